/** Sensor → alarm latency: points into a real Pipeline with the SQLite store running, the alarm engine as its processor. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmEngine } from '@shopfloor/alarms';
import { createSilentLogger, Pipeline, pipelineDefaults, TagDirectory, type Processor } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { createSqliteAlarmStore, createSqlitePointStore, sqlitePointStoreDefaults, type SqliteAlarmStore } from '@shopfloor/store-sqlite';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { disturbedMark, disturbedNote } from './ingest-compare.ts';
import { machineBusyUs, ownCpuUs, threadCpuUs } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { count, fixed, median, ms, percentileOfSorted, ratio, sleep } from './stats.ts';

const rates = [5_000, 20_000] as const;
const goals: Record<(typeof rates)[number], number> = { 5_000: 2, 20_000: 5 };
const tagCount = 1_000;
/** One point in this many flips its tag across the limit (an activation or a return to normal). */
const crossingEvery = 100;
const pointsPerPayload = 10;
const tags = Array.from({ length: tagCount }, (_, index) => `bench/site1/line${index % 10}/m${index}/temp`);

interface Run {
  /** Sorted latencies, ms. */
  readonly latencies: Float64Array;
  readonly crossings: number;
  readonly measured: number;
  readonly points: number;
  readonly stored: number;
  /** Alarm events in the alarm store after the run. */
  readonly persisted: number;
  readonly achieved: number;
  /** Main-thread CPU per point (the store writes in a worker thread), µs. */
  readonly mainCpuPerPoint: number;
  readonly otherCores: number;
}

/**
 * Offers `rate` points/s for `seconds`: every millisecond-ish timer turn submits the points now due,
 * in payloads of 10 (one `submit` each, as a collector would). Crossing points carry a fractional
 * value; their submit time is kept by (tag, ts) and matched when the alarm event (ours) or the
 * probe at processor entry (raw) sees them.
 */
async function pacedRun(mode: 'alarms' | 'raw', rate: number, seconds: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-alarm-'));
  const logger = createSilentLogger();
  const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file: join(dir, 'points.db') }, { logger });
  const submitted = new Map<string, number>();
  const latencies: number[] = [];
  const seen = (tag: string, ts: number): void => {
    const key = `${tag}\u0000${ts}`;
    const at = submitted.get(key);
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    submitted.delete(key);
  };
  let processor: Processor;
  let alarmStore: SqliteAlarmStore | undefined;
  let engine: AlarmEngine | undefined;
  if (mode === 'alarms') {
    // As on an edge: events and alarm states are persisted (main thread, batched per event-loop turn).
    alarmStore = await createSqliteAlarmStore({ file: join(dir, 'alarms.db') }, { logger });
    engine = new AlarmEngine([{ id: 'hot', target: { tags: 'bench/+/+/+/temp' }, type: 'threshold', priority: 'high', op: '>', limit: 100, deadband: 5 }], {
      logger,
      origin: 'bench',
      store: alarmStore,
    });
    engine.onEvent((event) => seen(event.alarm.tag, event.ts));
    processor = engine;
  } else {
    processor = {
      name: 'probe',
      process(batch) {
        for (const point of batch) if (typeof point.value === 'number' && point.value % 1 !== 0) seen(point.tag, point.ts);
        return batch;
      },
    };
  }
  const pipeline = new Pipeline(pipelineDefaults, { store, directory: new TagDirectory(), logger, processors: [processor] });
  const total = Math.round(rate * seconds);
  const high = new Uint8Array(tagCount);
  // Each tag gets a strictly increasing ts (1 ms apart at least): (tag, ts) identifies a point.
  const lastTs = new Float64Array(tagCount);
  let sent = 0;
  let crossings = 0;
  const cpuBefore = threadCpuUs(process.pid, process.pid);
  const machineBefore = machineBusyUs();
  const processBefore = ownCpuUs();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1_000));
      while (sent < due) {
        const accepted: Point[] = [];
        const now = Date.now();
        const submitAt = performance.now();
        for (let index = 0; index < pointsPerPayload && sent < due; index++, sent++) {
          const tagIndex = sent % tagCount;
          const tag = tags[tagIndex] as string;
          const ts = Math.max(now, (lastTs[tagIndex] as number) + 1);
          lastTs[tagIndex] = ts;
          let value: number;
          if (sent % crossingEvery === crossingEvery - 1) {
            high[tagIndex] = high[tagIndex] === 1 ? 0 : 1;
            value = high[tagIndex] === 1 ? 150.5 : 49.5;
            submitted.set(`${tag}\u0000${ts}`, submitAt);
            crossings++;
          } else value = high[tagIndex] === 1 ? 150 : 50;
          accepted.push({ tag, ts, value, quality: 'good' });
        }
        pipeline.submit({ accepted, rejected: [] });
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const elapsedMs = performance.now() - started;
  await pipeline.drain();
  const cpu = threadCpuUs(process.pid, process.pid) - cpuBefore;
  const machine = machineBusyUs() - machineBefore;
  const processCpu = ownCpuUs() - processBefore;
  const stored = pipeline.stats.stored;
  await pipeline.close();
  await engine?.close();
  const persisted = alarmStore === undefined ? latencies.length : await alarmStore.unforwardedCount();
  await alarmStore?.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = Float64Array.from(latencies).sort();
  return {
    latencies: sorted,
    crossings,
    measured: latencies.length,
    points: total,
    stored,
    persisted,
    achieved: total / (elapsedMs / 1_000),
    mainCpuPerPoint: cpu / total,
    // Everything but this process (main thread and store worker): the interference the run shared the cores with.
    otherCores: Math.max(0, machine - processCpu) / 1e3 / elapsedMs,
  };
}

function p(run: Run, percentile: number): number {
  return percentileOfSorted(run.latencies, percentile);
}

export async function benchAlarmLatency(context: BenchContext): Promise<BenchResult> {
  const seconds = context.quick ? 3 : 10;
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const rate of rates) {
    const ours: Run[] = [];
    const raw: Run[] = [];
    for (const index of runIndexes(context)) {
      const mine = await pacedRun('alarms', rate, index === 0 ? seconds / 2 : seconds);
      await sleep(200);
      const reference = await pacedRun('raw', rate, index === 0 ? seconds / 2 : seconds);
      await sleep(200);
      context.log(
        `  alarm-latency ${count(rate)}/s ${runLabel(context, index)}: sensor → alarm p50 ${ms(p(mine, 50))} p99 ${ms(p(mine, 99))} max ${ms(p(mine, 100))} ` +
          `(${count(mine.measured)}/${count(mine.crossings)} crossings, stored ${count(mine.stored)}/${count(mine.points)}, main thread ${fixed(mine.mainCpuPerPoint, 2)} µs/point)` +
          ` | raw submit → processor p50 ${ms(p(reference, 50))} p99 ${ms(p(reference, 99))} (${fixed(reference.mainCpuPerPoint, 2)} µs/point)`,
      );
      if (index === 0) continue;
      ours.push(mine);
      raw.push(reference);
    }
    const pick = (runs: readonly Run[], percentile: number) => median(runs.map((run) => p(run, percentile)));
    for (const percentile of [50, 99] as const) {
      const figure = pick(ours, percentile);
      rows.push({
        measure: `sensor → alarm p${percentile} at ${count(rate)} points/s`,
        figure: ms(figure),
        goal: percentile === 99 ? `≤ ${goals[rate]} ms` : rate === 5_000 ? '≤ 0.5 ms' : '—',
        met: percentile === 99 ? figure <= goals[rate] : rate === 5_000 ? figure <= 0.5 : undefined,
        raw: ms(pick(raw, percentile)),
        ratio: ratio(figure, pick(raw, percentile)),
        cpu:
          percentile === 50
            ? `main ${fixed(median(ours.map((run) => run.mainCpuPerPoint)), 2)} (raw ${fixed(median(raw.map((run) => run.mainCpuPerPoint)), 2)})`
            : '',
        runs: ours.map((run) => `${ms(p(run, percentile))}${disturbedMark(run.otherCores)}`).join(' / '),
      });
    }
    const missed = ours.filter((run) => run.measured !== run.crossings || run.persisted !== run.crossings || run.stored !== run.points);
    notes.push(
      `${count(rate)}/s: achieved ${ours.map((run) => count(run.achieved)).join(' / ')} points/s; alarm events ${ours.map((run) => `${count(run.measured)}/${count(run.crossings)}`).join(' / ')} of the crossings; ` +
        `max ${ours.map((run) => ms(p(run, 100))).join(' / ')}` +
        (missed.length === 0
          ? '; every crossing raised its event, every event was persisted and every point was stored.'
          : `; MISSED: ${missed.length} run(s) lost events or points.`),
    );
  }
  return {
    id: 'alarm-latency',
    title: '9. Sensor → alarm latency with storage running',
    setup:
      `In-process: a paced source submits single-tag payloads of ${pointsPerPayload} points (${count(tagCount)} tags, round robin) to a real \`Pipeline\` with \`SqlitePointStore\` (file, WAL, synchronous=FULL, writer in a worker thread) running; ` +
      `the alarm engine (one threshold rule with deadband on every tag) is the pipeline's processor, so rules see points before storage. One point in ${crossingEvery} crosses the limit (alternately up and down, so every crossing is a transition); ` +
      `latency = alarm event emitted − submit() of its payload (performance.now()), ${seconds} s per run at each offered rate. ` +
      'Raw reference: the same pipeline and store with a do-nothing probe as processor, latency = submit() → processor entry (the pipeline batching alone). Forwarding (uplink) is not part of this run yet.',
    rows,
    notes: [
      ...notes,
      'CPU µs/point is the main thread only (the point store writes in a worker thread): the difference to raw is the rule engine plus the alarm store transactions, which run on the main thread.',
      disturbedNote,
    ],
  };
}
