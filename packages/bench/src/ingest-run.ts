import { CpuMeter, type CpuSource } from './proc-cpu.ts';
import type { Prepared, PublisherProcess, PublishResult } from './publisher-process.ts';
import { now, sleep } from './stats.ts';
import type { Span, Workload } from './workload.ts';

/** Where a run's messages go, and how to see how far the consumer got. */
export interface IngestTarget {
  readonly name: string;
  /** Usually one publisher process; several share a run's points (each on its own 1,000 tags). */
  readonly publishers: readonly PublisherProcess[];
  /** Cumulative progress of the consumer: points stored (a node) or messages handled (a raw sink). */
  progress(): Promise<number>;
  /** Progress units one run must add: prepared.points for a node, prepared.messages for a sink. */
  expected(prepared: Prepared): number;
  /** Processes (or threads) whose CPU is charged to the run, by name (node, broker, sink); the publishers are added. */
  readonly processes: ReadonlyMap<string, CpuSource>;
  /** Next span of timestamps of publisher `index`: runs never rewrite (tag, ts). */
  nextSpan(seconds: number, index: number): Span;
}

export interface IngestRun {
  readonly points: number;
  readonly seconds: number;
  readonly pointsPerSecond: number;
  /** Progress units added once everything settled (points stored / messages handled). */
  readonly consumed: number;
  readonly expected: number;
  readonly published: readonly PublishResult[];
  /** CPU µs per point, per process (and 'publisher'). */
  readonly cpuPerPoint: ReadonlyMap<string, number>;
  /** Share of one core each process (or thread) was busy during the run. */
  readonly busy: ReadonlyMap<string, number>;
}

const pollMs = 100;

/** Polls until the value stays put for `quietMs` (after births, or after a run). */
async function settled(read: () => Promise<number>, quietMs = 300, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  let stableSince = now();
  while (now() - stableSince < quietMs) {
    if (Date.now() > deadline) return last;
    await sleep(50);
    const value = await read();
    if (value !== last) {
      last = value;
      stableSince = now();
    }
  }
  return last;
}

/**
 * One measured run: the publisher floods the prepared messages (≤ 1,000 unacknowledged QoS 1),
 * the consumer's progress is polled and the time it reaches the expected count is interpolated
 * between polls. CPU of every process is read at that moment.
 */
export async function ingestRun(target: IngestTarget, workload: Workload, points: number): Promise<IngestRun> {
  const { publishers } = target;
  const seconds = Math.max(1, Math.round(points / 1_000 / publishers.length));
  const prepared = await Promise.all(publishers.map((publisher, index) => publisher.prepare(workload, target.nextSpan(seconds, index))));
  const totalPoints = prepared.reduce((sum, one) => sum + one.points, 0);
  const base = await settled(() => target.progress());
  const expected = prepared.reduce((sum, one) => sum + target.expected(one), 0);
  const goal = base + expected;
  const publisherSources = publishers.map((publisher, index): [string, CpuSource] => [
    publishers.length === 1 ? 'publisher' : `publisher${index + 1}`,
    { pid: publisher.pid },
  ]);
  const meter = new CpuMeter(new Map([...target.processes, ...publisherSources]));
  const started = now();
  const publishing = Promise.all(publishers.map((publisher) => publisher.go()));
  let failure: Error | undefined;
  publishing.catch((error: unknown) => (failure = error instanceof Error ? error : new Error(String(error))));
  let previous = { at: started, value: base };
  let finishedAt: number | undefined;
  let lastChange = started;
  while (finishedAt === undefined) {
    await sleep(pollMs);
    if (failure !== undefined) throw failure;
    const asked = now();
    const value = await target.progress();
    const at = (asked + now()) / 2;
    if (value >= goal) {
      const fraction = value > previous.value ? (goal - previous.value) / (value - previous.value) : 1;
      finishedAt = previous.at + fraction * (at - previous.at);
    } else {
      if (value !== previous.value) lastChange = at;
      else if (at - lastChange > 30_000) throw new Error(`${target.name}: stuck at ${value - base} of ${expected} for 30 s`);
      previous = { at, value };
    }
  }
  const cpu = meter.since();
  const published = await publishing;
  const consumed = (await settled(() => target.progress())) - base;
  const elapsed = (finishedAt - started) / 1_000;
  const cpuPerPoint = new Map([...cpu].map(([name, us]) => [name, us / totalPoints]));
  const busy = new Map([...cpu].map(([name, us]) => [name, us / 1e6 / elapsed]));
  return { points: totalPoints, seconds: elapsed, pointsPerSecond: totalPoints / elapsed, consumed, expected, published, cpuPerPoint, busy };
}
