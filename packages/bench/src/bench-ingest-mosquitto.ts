/** 2. Ingest, one JSON point per message, QoS 1, through Mosquitto (the node's persistent MQTT 5 session, deferred PUBACKs). */
import { startMosquitto } from '@shopfloor/testkit';
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
import { findChildPid } from './proc-cpu.ts';
import { PublisherProcess } from './publisher-process.ts';
import type { BenchResult } from './report.ts';
import { SinkProcess } from './sink-process.ts';
import { count, fixed, times } from './stats.ts';

export async function benchIngestMosquitto(context: BenchContext): Promise<BenchResult> {
  const points = context.quick ? 50_000 : 300_000;
  const mosquitto = await startMosquitto();
  const closers: (() => Promise<void>)[] = [() => mosquitto.close()];
  try {
    const mosquittoPid = findChildPid(process.pid, 'mosquitto');
    if (mosquittoPid === undefined) throw new Error('cannot find the Mosquitto process testkit started');
    // One broker, two consumers: the node ingests acme/#, the raw subscriber sink/# (same topic lengths).
    const node = await NodeProcess.start({
      broker: { url: mosquitto.url, clientId: 'shopfloor-bench' },
      jsonTopics: ['acme/#'],
      ...(context.profileDir !== undefined ? { profileDir: context.profileDir } : {}),
    });
    closers.unshift(() => node.stop());
    const sink = await SinkProcess.start({ type: 'start', mode: 'mqtt', url: mosquitto.url, filter: 'sink/#' });
    closers.unshift(() => sink.close());
    const publisher = await PublisherProcess.connect(mosquitto.url, 'bench-publisher');
    closers.unshift(() => publisher.close());
    const ours = nodeTarget('shopfloor', node, publisher, { mosquitto: mosquittoPid });
    const raw = sinkTarget('raw mqtt.js subscriber', sink, publisher, { subscriber: sink.pid, mosquitto: mosquittoPid });
    const result = await compareIngest(
      context.quick ? context : { ...context, runs: 5 },
      'ingest-mosquitto',
      ours,
      raw,
      { kind: 'json-single', pointsPerMessage: 1 },
      points,
    );
    const ingest = await node.ingest();
    const commits = await node.commitNote();
    const rate = medianRate(result.ours);
    const rawRate = medianRate(result.raw);
    return {
      id: 'ingest-mosquitto',
      title: '2. Ingest, 1 JSON point per message, QoS 1, through Mosquitto',
      setup:
        `Mosquitto 2.0.11 (testkit: max_inflight_messages 1000, max_queued_messages 1000000) ← the same mqtt.js publisher process (QoS 1, ≤ 1,000 unacknowledged); ` +
        `the node (\`mqtt.broker.external\`) ingests over its persistent MQTT 5 session with deferred, in-order PUBACKs. ${count(points)} points per run. ` +
        `Raw reference: the same Mosquitto → an mqtt.js QoS 1 subscriber process that does nothing (it subscribes to a sibling topic tree of identical topic lengths, so both consumers stay connected and runs alternate).`,
      rows: [
        {
          measure: 'points durably stored per second',
          figure: count(rate),
          goal: '≥ 45,000',
          met: rate >= 45_000,
          raw: `${count(rawRate)} msg/s`,
          ratio: times(medianRateRatio(result)),
          cpu: cpuSummary(result.ours, [
            ['node', 'node'],
            ['main', 'main thread'],
            ['mosquitto', 'mosquitto'],
            ['publisher', 'pub'],
          ]),
          runs: rateRuns(result.ours),
        },
        {
          measure: 'node process CPU per point',
          figure: `${fixed(medianCpu(result.ours, 'node'), 1)} µs`,
          goal: '—',
          met: undefined,
          raw: `${fixed(medianCpu(result.raw, 'subscriber'), 1)} µs (mqtt.js subscriber)`,
          ratio: times(medianCpuRatio(result, 'node', 'subscriber')),
          cpu: '—',
          runs: cpuRuns(result.ours, 'node'),
        },
      ],
      notes: [
        disturbedNote,
        result.lost.length === 0 ? `Nothing lost: in every run (warm-up included) points stored = points published.` : `LOST POINTS: ${result.lost.join('; ')}`,
        `Pipeline batches: ${commits}`,
        `Node counters at the end: received ${count(ingest.received)}, stored ${count(ingest.stored)}, rejected ${count(ingest.rejected)}, failed ${count(ingest.failed)}, pending ${count(ingest.pending)}.`,
        `Raw runs: ${rateRuns(result.raw)} msg/s; CPU µs/msg ${cpuSummary(result.raw, [
          ['subscriber', 'subscriber'],
          ['mosquitto', 'mosquitto'],
          ['publisher', 'publisher'],
        ])}. Ratios are medians of per-run ratios (ours and raw alternate).`,
        `Cores busy (medians of our runs): node ${fixed(medianBusy(result.ours, 'node'), 2)} (main thread ${fixed(medianBusy(result.ours, 'main'), 2)}), mosquitto ${fixed(medianBusy(result.ours, 'mosquitto'), 2)}, publisher ${fixed(medianBusy(result.ours, 'publisher'), 2)}; the rest of the machine used ${othersRuns(result.ours)} cores in our runs.`,
      ],
    };
  } finally {
    for (const close of closers) await close();
  }
}
