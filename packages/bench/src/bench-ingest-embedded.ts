/** 1. Ingest, one JSON point per message, QoS 1, durably stored, embedded broker (aedes in the node process). */
import type { BenchContext } from './context.ts';
import {
  compareIngest,
  disturbedNote,
  cpuRuns,
  cpuSummary,
  medianBusy,
  medianCpu,
  medianCpuRatio,
  medianRate,
  medianRateRatio,
  nodeTarget,
  othersRuns,
  rateRuns,
  sinkTarget,
} from './ingest-compare.ts';
import { NodeProcess } from './node-process.ts';
import { PublisherProcess } from './publisher-process.ts';
import type { BenchResult } from './report.ts';
import { SinkProcess } from './sink-process.ts';
import { count, fixed, times } from './stats.ts';

export async function benchIngestEmbedded(context: BenchContext): Promise<BenchResult> {
  const points = context.quick ? 50_000 : 300_000;
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
    const result = await compareIngest(
      context.quick ? context : { ...context, runs: 5 },
      'ingest-embedded',
      ours,
      raw,
      { kind: 'json-single', pointsPerMessage: 1 },
      points,
    );
    const ingest = await node.ingest();
    const commits = await node.commitNote();
    const rate = medianRate(result.ours);
    const rawRate = medianRate(result.raw);
    const nodeCpu = medianCpu(result.ours, 'node');
    const rawCpu = medianCpu(result.raw, 'aedes');
    return {
      id: 'ingest-embedded',
      title: '1. Ingest, 1 JSON point per message, QoS 1, embedded broker',
      setup:
        `Node process (\`shopfloor hub\`, aedes in-process, SQLite) ← mqtt.js publisher in a child process, QoS 1, ≤ 1,000 unacknowledged, ` +
        `1,000 UNS tags, ~115-byte PUBLISH (~66-byte JSON point), ${count(points)} points per run. Raw reference: the same publisher → aedes in its own process → an in-process \`subscribe('#')\` handler that does nothing.`,
      rows: [
        {
          measure: 'points durably stored per second',
          figure: count(rate),
          goal: '≥ 60,000',
          met: rate >= 60_000,
          raw: `${count(rawRate)} msg/s`,
          ratio: times(medianRateRatio(result)),
          cpu: cpuSummary(result.ours, [
            ['node', 'node'],
            ['main', 'main thread'],
            ['publisher', 'pub'],
          ]),
          runs: rateRuns(result.ours),
        },
        {
          measure: 'node process CPU per point (broker included)',
          figure: `${fixed(nodeCpu, 1)} µs`,
          goal: '≤ 12 µs',
          met: nodeCpu <= 12,
          raw: `${fixed(rawCpu, 1)} µs (aedes + empty handler)`,
          ratio: times(medianCpuRatio(result, 'node', 'aedes')),
          cpu: '—',
          runs: cpuRuns(result.ours, 'node'),
        },
      ],
      notes: [
        disturbedNote,
        result.lost.length === 0 ? `Nothing lost: in every run (warm-up included) points stored = points published.` : `LOST POINTS: ${result.lost.join('; ')}`,
        `Pipeline batches: ${commits}`,
        `Node counters at the end: received ${count(ingest.received)}, stored ${count(ingest.stored)}, rejected ${count(ingest.rejected)}, failed ${count(ingest.failed)}, pending ${count(ingest.pending)}.`,
        `Raw runs: ${rateRuns(result.raw)} msg/s; raw aedes CPU µs/msg ${cpuRuns(result.raw, 'aedes')}; publisher CPU µs/msg ${cpuSummary(result.raw, [['publisher', 'median']])}. Ratios are medians of per-run ratios (ours and raw alternate).`,
        `Cores busy (medians of our runs): node ${fixed(medianBusy(result.ours, 'node'), 2)} (main thread ${fixed(medianBusy(result.ours, 'main'), 2)}), publisher ${fixed(medianBusy(result.ours, 'publisher'), 2)}; the rest of the machine (other work, kernel softirq) used ${othersRuns(result.ours)} cores in our runs.`,
      ],
    };
  } finally {
    for (const close of closers) await close();
  }
}
