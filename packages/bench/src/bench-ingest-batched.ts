/** 3. Ingest batched messages (20 and 100 points; JSON batch and Sparkplug DDATA), embedded broker. */
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import {
  compareIngest,
  disturbedNote,
  cpuRuns,
  cpuSummary,
  medianBusy,
  medianRate,
  medianRateRatio,
  othersRuns,
  nodeTarget,
  rateRuns,
  sinkTarget,
  type Comparison,
} from './ingest-compare.ts';
import { ingestRun, type IngestRun } from './ingest-run.ts';
import { NodeProcess } from './node-process.ts';
import { PublisherProcess } from './publisher-process.ts';
import type { BenchResult, Row } from './report.ts';
import { SinkProcess } from './sink-process.ts';
import { count, fixed, times } from './stats.ts';
import { describeWorkload, type Workload } from './workload.ts';

const workloads: readonly Workload[] = [
  { kind: 'json-batch', pointsPerMessage: 20 },
  { kind: 'json-batch', pointsPerMessage: 100 },
  { kind: 'sparkplug', pointsPerMessage: 20 },
  { kind: 'sparkplug', pointsPerMessage: 100 },
];

/** A fresh node per shape, so that every shape starts from an empty store. */
async function measureShape(context: BenchContext, workload: Workload, points: number, sink: SinkProcess): Promise<Comparison & { notes: string[] }> {
  const node = await NodeProcess.start({ broker: 'embedded', ...(context.profileDir !== undefined ? { profileDir: context.profileDir } : {}) });
  const closers: (() => Promise<void>)[] = [() => node.stop()];
  try {
    const publisher = await PublisherProcess.connect(node.mqttUrl, 'bench-publisher');
    closers.unshift(() => publisher.close());
    const rawPublisher = await PublisherProcess.connect(`mqtt://127.0.0.1:${sink.port}`, 'bench-publisher-raw');
    closers.unshift(() => rawPublisher.close());
    const ours = nodeTarget('shopfloor', node, publisher);
    const raw = sinkTarget('raw aedes', sink, rawPublisher, { aedes: sink.pid });
    const label = `ingest-batched ${workload.kind} ×${workload.pointsPerMessage}`;
    const result = await compareIngest(context, label, ours, raw, workload, points);
    const ingest = await node.ingest();
    const commits = await node.commitNote();
    const rejected = Object.entries(ingest.rejectedByReason).filter(([, n]) => n > 0);
    return {
      ...result,
      notes: [
        `${describeWorkload(workload)}: node counters received ${count(ingest.received)}, stored ${count(ingest.stored)}, rejected ${count(ingest.rejected)}${rejected.length > 0 ? ` (${rejected.map(([reason, n]) => `${reason} ${n}`).join(', ')})` : ''}, failed ${count(ingest.failed)}` +
          `; cores busy (medians): node ${fixed(medianBusy(result.ours, 'node'), 2)} (main thread ${fixed(medianBusy(result.ours, 'main'), 2)}), publisher ${fixed(medianBusy(result.ours, 'publisher'), 2)}` +
          `; raw aedes runs ${rateRuns(result.raw)} points/s at ${cpuRuns(result.raw, 'aedes')} µs/point; ${commits}`,
      ],
    };
  } finally {
    for (const close of closers) await close();
  }
}

/** Informative: the same node fed by two publisher connections (each on its own 1,000 tags) at once. */
async function measureTwoConnections(context: BenchContext, workload: Workload, points: number): Promise<IngestRun[]> {
  const node = await NodeProcess.start({ broker: 'embedded' });
  const closers: (() => Promise<void>)[] = [() => node.stop()];
  try {
    const publishers = [await PublisherProcess.connect(node.mqttUrl, 'bench-publisher-1'), await PublisherProcess.connect(node.mqttUrl, 'bench-publisher-2')];
    for (const publisher of publishers) closers.unshift(() => publisher.close());
    const target = nodeTarget('shopfloor', node, publishers);
    const runs: IngestRun[] = [];
    for (const index of runIndexes(context)) {
      const run = await ingestRun(target, workload, points);
      if (run.consumed !== run.expected) throw new Error(`two connections: stored ${run.consumed} of ${run.expected} published`);
      context.log(
        `  ingest-batched ${describeWorkload(workload)}, 2 connections ${runLabel(context, index)}: ${count(run.pointsPerSecond)} points/s (stored ${count(run.consumed)} / published ${count(run.expected)}; node ${fixed(run.cpuPerPoint.get('node') ?? Number.NaN, 2)} µs/point)`,
      );
      if (index > 0) runs.push(run);
    }
    return runs;
  } finally {
    for (const close of closers) await close();
  }
}

export async function benchIngestBatched(context: BenchContext): Promise<BenchResult> {
  const points = context.quick ? 100_000 : 2_000_000;
  const sink = await SinkProcess.start({ type: 'start', mode: 'aedes' });
  try {
    const rows: Row[] = [];
    const notes: string[] = [];
    const lost: string[] = [];
    const others: string[] = [];
    for (const workload of workloads) {
      const result = await measureShape(context, workload, points, sink);
      const rate = medianRate(result.ours);
      const rawRate = medianRate(result.raw);
      others.push(`${describeWorkload(workload)} ${othersRuns(result.ours)}`);
      rows.push({
        measure: describeWorkload(workload),
        figure: count(rate),
        goal: '≥ 500,000',
        met: rate >= 500_000,
        raw: `${count(rawRate)} points/s`,
        ratio: times(medianRateRatio(result)),
        cpu: cpuSummary(result.ours, [
          ['node', 'node'],
          ['main', 'main thread'],
          ['publisher', 'pub'],
        ]),
        runs: rateRuns(result.ours),
      });
      notes.push(...result.notes);
      lost.push(...result.lost);
    }
    const shape = workloads[0] as Workload;
    const two = await measureTwoConnections(context, shape, points);
    rows.push({
      measure: `${describeWorkload(shape)}, 2 publisher connections (informative)`,
      figure: count(medianRate(two)),
      goal: '—',
      met: undefined,
      raw: '—',
      ratio: '—',
      cpu: cpuSummary(two, [
        ['node', 'node'],
        ['main', 'main thread'],
      ]),
      runs: rateRuns(two),
    });
    notes.push(
      `Cores the rest of the machine (other work, kernel softirq) used during our runs: ${others.join('; ')}; 2 connections ${othersRuns(two)}. Ratios are medians of per-run ratios (ours and raw alternate).`,
    );
    return {
      id: 'ingest-batched',
      title: '3. Ingest, batched messages (20 / 100 points), embedded broker',
      setup:
        `Points durably stored per second. Node process (\`shopfloor hub\`, aedes in-process, SQLite; a fresh node per shape) ← mqtt.js publisher process, QoS 1, ≤ 1,000 unacknowledged messages, ` +
        `${count(points)} points per run over the 1,000 UNS tags. JSON batch: \`{"points":[{"tag":"rel/path","ts":…,"value":…,"quality":"good"}, …]}\` on the path prefix (~1.4 KB / ~7.5 KB). ` +
        `Sparkplug: NBIRTH + one DBIRTH per device before the clock starts, then DDATA with alias-only Double metrics and the payload timestamp (published at QoS 1, unlike the spec's QoS 0, for the same flow control). ` +
        `Raw reference: the same messages → aedes in its own process → a do-nothing in-process handler (messages/s × points per message).`,
      rows,
      notes: [
        disturbedNote,
        lost.length === 0 ? 'Nothing lost: in every run (warm-up included) points stored = points published.' : `LOST POINTS: ${lost.join('; ')}`,
        ...notes,
      ],
    };
  } finally {
    await sink.close();
  }
}
