/** 4. Durable ack: publish → PUBACK latency at a fixed 20,000 points/s, single-point messages, embedded broker. */
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { disturbedMark, disturbedNote, nodeTarget, sinkTarget } from './ingest-compare.ts';
import type { IngestTarget } from './ingest-run.ts';
import { NodeProcess } from './node-process.ts';
import { CpuMeter } from './proc-cpu.ts';
import type { LatencySummary } from './publisher-protocol.ts';
import { PublisherProcess } from './publisher-process.ts';
import type { BenchResult, Row } from './report.ts';
import { SinkProcess } from './sink-process.ts';
import { count, fixed, median, ms, ratio, sleep } from './stats.ts';
import type { Workload } from './workload.ts';

const offered = 20_000;
const workload: Workload = { kind: 'json-single', pointsPerMessage: 1 };

interface PacedRun {
  readonly latency: LatencySummary;
  readonly achieved: number;
  readonly maxLagMs: number;
  readonly cpuPerPoint: ReadonlyMap<string, number>;
  readonly stored: number;
  readonly published: number;
  /** Cores the rest of the machine used meanwhile. */
  readonly otherCores: number;
}

async function pacedRun(target: IngestTarget, points: number): Promise<PacedRun> {
  const publisher = target.publishers[0] as PublisherProcess;
  await publisher.prepare(workload, target.nextSpan(points / 1_000, 0));
  await sleep(200);
  const before = await target.progress();
  const meter = new CpuMeter(new Map([...target.processes, ['publisher', { pid: publisher.pid }]]));
  const done = await publisher.go(offered);
  const cpu = meter.since();
  await sleep(300);
  const stored = (await target.progress()) - before;
  if (done.latency === undefined) throw new Error('the paced publisher returned no latencies');
  return {
    latency: done.latency,
    achieved: done.acked / (done.elapsedMs / 1_000),
    maxLagMs: done.maxLagMs ?? Number.NaN,
    cpuPerPoint: new Map([...cpu].map(([name, us]) => [name, us / done.acked])),
    stored,
    published: done.acked,
    otherCores: (cpu.get('others') ?? Number.NaN) / 1e3 / done.elapsedMs,
  };
}

const percentiles = ['p50', 'p95', 'p99', 'max'] as const;

export async function benchDurableAck(context: BenchContext): Promise<BenchResult> {
  const points = context.quick ? 40_000 : 120_000;
  const node = await NodeProcess.start({ broker: 'embedded', ...(context.profileDir !== undefined ? { profileDir: context.profileDir } : {}) });
  const sink = await SinkProcess.start({ type: 'start', mode: 'aedes' });
  const closers: (() => Promise<void>)[] = [() => node.stop(), () => sink.close()];
  try {
    const publisher = await PublisherProcess.connect(node.mqttUrl, 'bench-publisher');
    closers.unshift(() => publisher.close());
    const rawPublisher = await PublisherProcess.connect(`mqtt://127.0.0.1:${sink.port}`, 'bench-publisher-raw');
    closers.unshift(() => rawPublisher.close());
    const ours = nodeTarget('shopfloor', node, publisher);
    const raw = sinkTarget('raw aedes', sink, rawPublisher, { aedes: sink.pid });
    const oursRuns: PacedRun[] = [];
    const rawRuns: PacedRun[] = [];
    const lost: string[] = [];
    for (const index of runIndexes(context)) {
      const mine = await pacedRun(ours, index === 0 ? points / 2 : points);
      const reference = await pacedRun(raw, index === 0 ? points / 2 : points);
      if (mine.stored !== mine.published) lost.push(`${runLabel(context, index)}: stored ${mine.stored} of ${mine.published}`);
      const text = (run: PacedRun) => percentiles.map((p) => `${p} ${ms(run.latency[p])}`).join(', ');
      context.log(
        `  durable-ack ${runLabel(context, index)}: shopfloor ${text(mine)} at ${count(mine.achieved)}/s (stored ${count(mine.stored)} / published ${count(mine.published)}, node ${fixed(mine.cpuPerPoint.get('node') ?? Number.NaN, 1)} µs/point)` +
          ` | raw aedes ${text(reference)}`,
      );
      if (index === 0) continue;
      oursRuns.push(mine);
      rawRuns.push(reference);
    }
    const commits = await node.commitNote();
    const pick = (runs: readonly PacedRun[], p: (typeof percentiles)[number]) => median(runs.map((run) => run.latency[p]));
    const rows: Row[] = percentiles.map((p) => ({
      measure: `publish → PUBACK ${p}`,
      figure: ms(pick(oursRuns, p)),
      goal: p === 'p99' ? '≤ 20 ms' : '—',
      met: p === 'p99' ? pick(oursRuns, p) <= 20 : undefined,
      raw: ms(pick(rawRuns, p)),
      ratio: ratio(pick(oursRuns, p), pick(rawRuns, p)),
      cpu: p === 'p50' ? `node ${fixed(median(oursRuns.map((run) => run.cpuPerPoint.get('node') ?? Number.NaN)), 1)}` : '',
      runs: oursRuns.map((run) => `${ms(run.latency[p])}${disturbedMark(run.otherCores)}`).join(' / '),
    }));
    return {
      id: 'durable-ack',
      title: '4. Durable ack: QoS 1 PUBACK after commit at 20,000 points/s',
      setup:
        `Node process (\`shopfloor hub\`, aedes in-process, SQLite WAL synchronous=FULL, group commit) ← mqtt.js publisher process offering a fixed ${count(offered)} single-point JSON messages/s ` +
        `(QoS 1, paced in 1 ms bursts, ≤ 1,000 unacknowledged), ${count(points)} messages per run; latency from each publish() call to its PUBACK, measured in the publisher. ` +
        `Raw reference: the same paced publisher → aedes in its own process → a do-nothing handler (aedes acks before delivery: the broker hop alone).`,
      rows,
      notes: [
        disturbedNote,
        lost.length === 0 ? 'Nothing lost: in every run (warm-up included) points stored = points published.' : `LOST POINTS: ${lost.join('; ')}`,
        `Achieved rates: ${oursRuns.map((run) => count(run.achieved)).join(' / ')} points/s; largest publish delay behind schedule ${oursRuns.map((run) => ms(run.maxLagMs)).join(' / ')}.`,
        `CPU µs/point at ${count(offered)}/s: node ${oursRuns.map((run) => fixed(run.cpuPerPoint.get('node') ?? Number.NaN, 1)).join(' / ')}; raw aedes ${rawRuns.map((run) => fixed(run.cpuPerPoint.get('aedes') ?? Number.NaN, 1)).join(' / ')}.`,
        `Cores the rest of the machine (other work, kernel softirq) used during our runs: ${oursRuns.map((run) => fixed(run.otherCores, 2)).join(' / ')}.`,
        `Pipeline batches: ${commits}`,
      ],
    };
  } finally {
    for (const close of closers) await close();
  }
}
