/**
 * Helpers of the uplink integration tests: a recording sink (the hub's store stand-in), a steady
 * point source, the RELIABILITY.md §3 report, configs with short timeouts, JetStream names per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Decoded, Point } from '@shopfloor/model';
import { uplinkDefaults, uplinkReceiverDefaults, type UplinkConfig, type UplinkReceiverConfig, type UplinkSink, type UplinkSource } from '../src/index.ts';

export const natsUrl = 'nats://127.0.0.1:4222';

export function tempDir(prefix: string): { readonly path: string; sub(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, sub: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** What the hub "stored": every submitted point, counted per (tag, ts), with arrival order per tag and lane. */
export class RecordingSink implements UplinkSink {
  readonly counts = new Map<string, number>();
  readonly order = { live: new Map<string, number[]>(), historical: new Map<string, number[]>() };
  submittedPoints = 0;
  historicalPoints = 0;
  /** Failing submissions (acknowledged with an error) while set. */
  failing = false;
  /** Acknowledge after this many ms (a commit); 0: on the next turn. */
  commitMs = 0;

  submit(decoded: Decoded, acknowledge: (error?: Error) => void, source: UplinkSource): void {
    if (this.failing) {
      setImmediate(() => acknowledge(new Error('sink failing (test)')));
      return;
    }
    const lane = source.historical ? this.order.historical : this.order.live;
    for (const point of decoded.accepted) {
      const key = `${point.tag}@${point.ts}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      const list = lane.get(point.tag);
      if (list === undefined) lane.set(point.tag, [point.ts]);
      else list.push(point.ts);
    }
    this.submittedPoints += decoded.accepted.length;
    if (source.historical) this.historicalPoints += decoded.accepted.length;
    if (this.commitMs > 0) setTimeout(() => acknowledge(), this.commitMs);
    else setImmediate(() => acknowledge());
  }

  /** Tags whose points arrived out of ts order within live or within historical. */
  outOfOrder(): string[] {
    const bad: string[] = [];
    for (const [lane, map] of Object.entries(this.order)) {
      for (const [tag, list] of map) {
        for (let index = 1; index < list.length; index++) {
          if ((list[index] as number) <= (list[index - 1] as number)) {
            bad.push(`${lane} ${tag}: ${list[index - 1]} then ${list[index]}`);
            break;
          }
        }
      }
    }
    return bad;
  }
}

/** A steady source: every `periodMs`, one point per tag (ts = base + k·periodMs, value k): unique (tag, ts). */
export class PointSource {
  readonly tags: string[];
  readonly periodMs: number;
  readonly base = 1_700_000_000_000;
  batches = 0;

  constructor(tagCount: number, periodMs: number, prefix = 'plant/line') {
    this.tags = Array.from({ length: tagCount }, (_, index) => `${prefix}/m${index % 50}/t${index}`);
    this.periodMs = periodMs;
  }

  next(): Point[] {
    const k = this.batches++;
    const ts = this.base + k * this.periodMs;
    return this.tags.map((tag, index) => ({ tag, ts, value: Math.round((20 + index / 10 + Math.sin(k / 10)) * 100) / 100, quality: 'good' as const }));
  }

  /** Every point made so far, as `tag@ts` keys. */
  keys(batches = this.batches): string[] {
    const keys: string[] = [];
    for (let k = 0; k < batches; k++) for (const tag of this.tags) keys.push(`${tag}@${this.base + k * this.periodMs}`);
    return keys;
  }
}

export interface Report {
  readonly attempted: number;
  readonly acknowledged: number;
  readonly stored: number;
  readonly lost: number;
  readonly unexpected: number;
  readonly duplicatedBeforeDedupe: number;
  readonly duplicatedAfterDedupe: number;
}

/** RELIABILITY.md §3 for the edge → hub hop, printed as one line. */
export function report(name: string, attempted: readonly string[], acknowledged: number, sink: RecordingSink, duplicatedBeforeDedupe: number): Report {
  const wanted = new Set(attempted);
  let lost = 0;
  for (const key of wanted) if (!sink.counts.has(key)) lost++;
  let unexpected = 0;
  let duplicatedAfterDedupe = 0;
  for (const [key, count] of sink.counts) {
    if (!wanted.has(key)) unexpected++;
    duplicatedAfterDedupe += count - 1;
  }
  const result = { attempted: wanted.size, acknowledged, stored: sink.counts.size, lost, unexpected, duplicatedBeforeDedupe, duplicatedAfterDedupe };
  process.stdout.write(
    `[uplink ${name}] attempted ${result.attempted} / acknowledged ${result.acknowledged} / stored ${result.stored} / lost ${result.lost} / unexpected ${result.unexpected} / duplicated-before-dedupe ${result.duplicatedBeforeDedupe} / duplicated-after-dedupe ${result.duplicatedAfterDedupe}\n`,
  );
  return result;
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Edge settings for tests: short timeouts and back-off. */
export function edgeConfig(transport: UplinkConfig['transport'], overrides: Partial<UplinkConfig> = {}): UplinkConfig {
  return {
    ...uplinkDefaults,
    transport,
    ackTimeoutMs: 2_000,
    keepaliveSeconds: 1,
    connectTimeoutMs: 2_000,
    windowMessages: 16,
    maxPointsPerMessage: 1_000,
    reconnect: { initialDelayMs: 50, maxDelayMs: 800, jitter: 0.5, stableAfterMs: 1_500 },
    ...overrides,
  };
}

let unique = 0;

/** Stream and subject names of one test, and a cleanup that deletes the stream. */
export function jetStreamNames(): { stream: string; subjectPrefix: string; durable: string } {
  const id = `${process.pid}_${Date.now().toString(36)}_${unique++}`;
  return { stream: `UPLINK_T_${id}`, subjectPrefix: `uplinktest.${id}`, durable: `hub_${id}` };
}

export async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

export function hubJetStreamConfig(names: ReturnType<typeof jetStreamNames>): UplinkReceiverConfig {
  return {
    ...uplinkReceiverDefaults,
    controlTimeoutMs: 2_000,
    transport: {
      jetstream: {
        servers: [natsUrl],
        stream: names.stream,
        subjectPrefix: names.subjectPrefix,
        durable: names.durable,
        maxAckPending: 2_000,
        ackWaitMs: 3_000,
        duplicateWindowMs: 120_000,
        maxStreamBytes: -1,
      },
    },
  };
}

export function hubMqttConfig(url: string, topicPrefix: string, clientId: string): UplinkReceiverConfig {
  return { ...uplinkReceiverDefaults, controlTimeoutMs: 2_000, transport: { mqtt: { url, topicPrefix, clientId, sessionExpirySeconds: 300 } } };
}
