/** 5. Decode + validate on the hot path, in-process: decodeJsonPayload + validatePoints vs JSON.parse alone. */
import type { Point, Rejection } from '@shopfloor/model';
import { createSilentLogger, pipelineDefaults, TagDirectory, validatePoints } from '@shopfloor/engine';
import { createSparkplugHost, decodeJsonPayload } from '@shopfloor/collector-mqtt';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { ownCpuUs } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { count, fixed, median, ratio } from './stats.ts';
import { dataMessages, describeWorkload, sparkplugBirths, tagPaths, type Message, type Workload } from './workload.ts';

const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;
const span = { enterprise: 'acme', baseTs: Math.floor(Date.now() / 1_000) * 1_000 - 3_600_000, firstSecond: 1, seconds: 10 };

interface Case {
  readonly workload: Workload;
  readonly goal: number | undefined;
  readonly messages: readonly Message[];
  /** Decodes + validates one message into `accepted`; returns the points it took. */
  readonly ours: (message: Message) => number;
  /** The raw limit: JSON.parse of the payload text, or the Sparkplug protobuf decode. */
  readonly raw: (message: Message) => number;
  readonly rawName: string;
}

/** µs of CPU per point over repeated passes of `messages` for at least `seconds`. */
function measure(messages: readonly Message[], handle: (message: Message) => number, seconds: number): number {
  const cpuBefore = ownCpuUs();
  const until = performance.now() + seconds * 1_000;
  let points = 0;
  do {
    for (const message of messages) points += handle(message);
  } while (performance.now() < until);
  return (ownCpuUs() - cpuBefore) / points;
}

function cases(): Case[] {
  const directory = new TagDirectory(tagPaths('acme').map((path) => ({ path, dataType: 'float' as const })));
  const accepted: Point[] = [];
  const rejected: Rejection[] = [];
  const options = { maxPayloadBytes: 262_144 };
  const validate = (points: readonly Point[], now: number): number => {
    validatePoints(points, directory, pipelineDefaults, now, accepted, rejected);
    if (rejected.length > 0) throw new Error(`decode bench: unexpected rejection ${JSON.stringify(rejected[0])}`);
    const taken = accepted.length;
    if (taken > 10_000) accepted.length = 0;
    return points.length;
  };
  const jsonRaw = (message: Message): number => {
    const body = JSON.parse(message.payload.toString('utf8')) as { points?: unknown[] };
    return body.points?.length ?? 1;
  };
  const json = (workload: Workload, goal: number): Case => ({
    workload,
    goal,
    messages: dataMessages(workload, span),
    ours: (message) => {
      const now = Date.now();
      return validate(decodeJsonPayload(message.topic, message.payload, now, options).accepted, now);
    },
    raw: jsonRaw,
    rawName: 'JSON.parse(payload text)',
  });
  const sparkplug = (pointsPerMessage: number): Case => {
    const host = createSparkplugHost({ hostId: 'bench', rebirthDebounceMs: 60_000 }, { publish: () => undefined, logger: createSilentLogger(), now: Date.now });
    const births = sparkplugBirths(pointsPerMessage, 'acme', 0, span.baseTs);
    for (const birth of births) validate(host.handle(birth.topic, birth.payload, Date.now()).accepted, Date.now());
    const workload: Workload = { kind: 'sparkplug', pointsPerMessage };
    return {
      workload,
      goal: undefined,
      // 128 s = a whole number of 256-message seq cycles for 20 and 100 points: seq stays continuous when a pass repeats.
      messages: dataMessages(workload, { ...span, seconds: 128 }, births.length % 256),
      ours: (message) => {
        const now = Date.now();
        return validate(host.handle(message.topic, message.payload, now).accepted, now);
      },
      raw: (message) => protoPayload.decode(message.payload).metrics.length,
      rawName: 'protobuf decode alone',
    };
  };
  return [
    json({ kind: 'json-single', pointsPerMessage: 1 }, 1),
    json({ kind: 'json-batch', pointsPerMessage: 20 }, 0.6),
    json({ kind: 'json-batch', pointsPerMessage: 100 }, 0.6),
    sparkplug(20),
    sparkplug(100),
  ];
}

export async function benchDecode(context: BenchContext): Promise<BenchResult> {
  const seconds = context.quick ? 0.2 : 0.5;
  const rows: Row[] = [];
  for (const item of cases()) {
    const ours: number[] = [];
    const raw: number[] = [];
    for (const index of runIndexes(context)) {
      const mine = measure(item.messages, item.ours, seconds);
      const reference = measure(item.messages, item.raw, seconds);
      context.log(
        `  decode ${describeWorkload(item.workload)} ${runLabel(context, index)}: ${fixed(mine, 3)} µs/point | ${item.rawName} ${fixed(reference, 3)} µs/point`,
      );
      if (index === 0) continue;
      ours.push(mine);
      raw.push(reference);
    }
    const figure = median(ours);
    rows.push({
      measure: describeWorkload(item.workload),
      figure: `${fixed(figure, 3)} µs/point`,
      goal: item.goal === undefined ? '— (not a goal)' : `≤ ${item.goal} µs`,
      met: item.goal === undefined ? undefined : figure <= item.goal,
      raw: `${fixed(median(raw), 3)} µs (${item.rawName})`,
      ratio: ratio(figure, median(raw)),
      cpu: `= figure (${count(1e6 / figure)} points/s per core)`,
      runs: ours.map((value) => fixed(value, 3)).join(' / '),
    });
  }
  return {
    id: 'decode',
    title: '5. Decode + validate per point (in-process)',
    setup:
      `One thread, CPU time (process.cpuUsage) per point over repeated passes of pre-built payload Buffers for ${seconds} s per run: \`decodeJsonPayload\` + \`validatePoints\` with a TagDirectory of the 1,000 known tags ` +
      `(pipeline defaults). Sparkplug rows (informative): \`SparkplugHost.handle\` on alias-only DDATA after the births + \`validatePoints\`. Raw limit: \`JSON.parse(payload.toString())\` alone, or the protobuf decode alone.`,
    rows,
    notes: ['Payload shapes as in the ingest benchmarks: ~66-byte JSON point; JSON batches ~1.4 KB (20 points) and ~7.5 KB (100 points).'],
  };
}
