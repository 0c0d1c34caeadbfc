import type { Span, Workload } from './workload.ts';

/** Parent → publisher child. */
export type PublisherCommand =
  | { readonly type: 'connect'; readonly url: string; readonly clientId: string }
  /** Generates the run's messages; Sparkplug births are published (and acknowledged) here, before the clock starts. */
  | { readonly type: 'prepare'; readonly workload: Workload; readonly span: Span; readonly bdSeq: number }
  /** Publishes the prepared messages, at most `window` unacknowledged; paced at `messagesPerSecond` if given. */
  | { readonly type: 'go'; readonly window: number; readonly messagesPerSecond?: number }
  | { readonly type: 'close' };

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Publisher child → parent. */
export type PublisherReply =
  | { readonly type: 'connected' }
  | { readonly type: 'prepared'; readonly birthMessages: number; readonly birthPoints: number; readonly messages: number; readonly points: number }
  | {
      readonly type: 'done';
      readonly messages: number;
      readonly acked: number;
      readonly elapsedMs: number;
      /** CPU of the publisher process while publishing (process.cpuUsage), µs. */
      readonly cpuUs: number;
      /** Paced runs: publish() → PUBACK, ms. */
      readonly latency?: LatencySummary;
      /** Paced runs: the largest delay of a publish() behind its schedule, ms. */
      readonly maxLagMs?: number;
    }
  | { readonly type: 'error'; readonly message: string };
