import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { ingestRun, type IngestRun, type IngestTarget } from './ingest-run.ts';
import type { NodeProcess } from './node-process.ts';
import type { CpuSource } from './proc-cpu.ts';
import type { PublisherProcess } from './publisher-process.ts';
import type { SinkProcess } from './sink-process.ts';
import { count, fixed, median } from './stats.ts';
import type { Span, Workload } from './workload.ts';

/** Hands out consecutive spans of seconds (one spare second between runs for Sparkplug births). */
export class SpanClock {
  readonly #enterprise: string;
  readonly #baseTs: number;
  #next = 1;

  constructor(enterprise: string) {
    this.#enterprise = enterprise;
    // Twelve hours back: a run never reaches the node's future-timestamp limit.
    this.#baseTs = Math.floor(Date.now() / 1_000) * 1_000 - 12 * 3_600_000;
  }

  next(seconds: number): Span {
    const span = { enterprise: this.#enterprise, baseTs: this.#baseTs, firstSecond: this.#next, seconds };
    this.#next += seconds + 1;
    return span;
  }
}

function sources(processes: Readonly<Record<string, number>>): [string, CpuSource][] {
  return Object.entries(processes).map(([name, pid]) => [name, { pid }]);
}

/**
 * A node: progress = points stored (`shopfloor_points_stored_total`). CPU is charged to `node` (all
 * threads) and `main` (its main thread alone: the rest is the store's worker thread, GC and libuv).
 */
export function nodeTarget(
  name: string,
  node: NodeProcess,
  publisher: PublisherProcess | readonly PublisherProcess[],
  others: Readonly<Record<string, number>> = {},
  enterprise = 'acme',
): IngestTarget {
  const publishers = Array.isArray(publisher) ? publisher : [publisher as PublisherProcess];
  // Publisher i gets its own 1,000 tags (enterprise acme, acme2, …).
  const clocks = publishers.map((_, index) => new SpanClock(index === 0 ? enterprise : `${enterprise}${index + 1}`));
  const processes = new Map<string, CpuSource>([['node', { pid: node.pid }], ['main', { pid: node.pid, tid: node.pid }], ...sources(others)]);
  return {
    name,
    publishers,
    processes,
    progress: () => node.storedTotal(),
    expected: (prepared) => prepared.points,
    nextSpan: (seconds, index) => (clocks[index] as SpanClock).next(seconds),
  };
}

/** A do-nothing consumer: progress = messages handled. */
export function sinkTarget(
  name: string,
  sink: SinkProcess,
  publisher: PublisherProcess,
  processes: Readonly<Record<string, number>>,
  enterprise = 'sink',
): IngestTarget {
  const clock = new SpanClock(enterprise);
  return {
    name,
    publishers: [publisher],
    processes: new Map(sources(processes)),
    progress: () => sink.messages(),
    expected: (prepared) => prepared.messages,
    nextSpan: (seconds) => clock.next(seconds),
  };
}

export interface Comparison {
  /** Measured runs (the warm-up left out). */
  readonly ours: readonly IngestRun[];
  readonly raw: readonly IngestRun[];
  /** Runs (warm-up included) where the consumer's count did not equal what was published. */
  readonly lost: readonly string[];
}

function cpuText(run: IngestRun): string {
  const perPoint = [...run.cpuPerPoint]
    .filter(([name]) => name !== 'others')
    .map(([name, us]) => `${name} ${fixed(us, 2)}`)
    .join(', ');
  const cores = [...run.busy].map(([name, share]) => `${name} ${fixed(share, 2)}`).join(', ');
  return `µs/point ${perPoint}; cores busy ${cores}`;
}

/** Warm-up + runs, ours and the raw reference alternating, so both see the same machine. */
export async function compareIngest(
  context: BenchContext,
  label: string,
  ours: IngestTarget,
  raw: IngestTarget,
  workload: Workload,
  points: number,
): Promise<Comparison> {
  const oursRuns: IngestRun[] = [];
  const rawRuns: IngestRun[] = [];
  const lost: string[] = [];
  for (const index of runIndexes(context)) {
    const mine = await ingestRun(ours, workload, points);
    const reference = await ingestRun(raw, workload, points);
    if (mine.consumed !== mine.expected) lost.push(`${label} ${runLabel(context, index)}: stored ${mine.consumed} of ${mine.expected} published`);
    context.log(
      `  ${label} ${runLabel(context, index)}: ${ours.name} ${count(mine.pointsPerSecond)} points/s (stored ${count(mine.consumed)} / published ${count(mine.expected)}; ${cpuText(mine)})` +
        ` | ${raw.name} ${count(reference.pointsPerSecond)} points/s (${cpuText(reference)})`,
    );
    if (index === 0) continue;
    oursRuns.push(mine);
    rawRuns.push(reference);
  }
  return { ours: oursRuns, raw: rawRuns, lost };
}

export function medianRate(runs: readonly IngestRun[]): number {
  return median(runs.map((run) => run.pointsPerSecond));
}

export function medianCpu(runs: readonly IngestRun[], process: string): number {
  return median(runs.map((run) => run.cpuPerPoint.get(process) ?? Number.NaN));
}

/** Median over runs of ours ÷ raw of the same run (they alternate, so each pair saw the same machine). */
export function medianRateRatio(comparison: Comparison): number {
  return median(comparison.ours.map((run, index) => run.pointsPerSecond / (comparison.raw[index]?.pointsPerSecond ?? Number.NaN)));
}

export function medianCpuRatio(comparison: Comparison, ours: string, raw: string): number {
  return median(comparison.ours.map((run, index) => (run.cpuPerPoint.get(ours) ?? Number.NaN) / (comparison.raw[index]?.cpuPerPoint.get(raw) ?? Number.NaN)));
}

/** "0.42 / 0.61 / …": cores the rest of the machine used during each run. */
export function othersRuns(runs: readonly IngestRun[]): string {
  return runs.map((run) => fixed(run.busy.get('others') ?? Number.NaN, 2)).join(' / ');
}

export function medianBusy(runs: readonly IngestRun[], process: string): number {
  return median(runs.map((run) => run.busy.get(process) ?? Number.NaN));
}

/** Above this many cores used by the rest of the machine, a run is marked disturbed (†) in the runs column. */
export const disturbedCores = 0.5;

export function disturbedMark(otherCores: number | undefined): string {
  return (otherCores ?? 0) > disturbedCores ? '†' : '';
}

export const disturbedNote = `† the rest of the machine (other work on the shared vCPUs) used more than ${disturbedCores} cores during that run.`;

export function rateRuns(runs: readonly IngestRun[]): string {
  return runs.map((run) => `${count(run.pointsPerSecond)}${disturbedMark(run.busy.get('others'))}`).join(' / ');
}

export function cpuRuns(runs: readonly IngestRun[], process: string): string {
  return runs.map((run) => fixed(run.cpuPerPoint.get(process) ?? Number.NaN, 1)).join(' / ');
}

/** "node 10.9, pub 9.1": medians per process. */
export function cpuSummary(runs: readonly IngestRun[], names: readonly [process: string, label: string][]): string {
  return names.map(([process, label]) => `${label} ${fixed(medianCpu(runs, process), 1)}`).join(', ');
}
