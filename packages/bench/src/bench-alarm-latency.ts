/**
 * Sensor → alarm latency: points into a real Pipeline with the SQLite store running, the alarm engine
 * as its processor; and the same with forwarding running (the edge's store: local store + uplink
 * outbox → JetStream → a hub process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmEngine } from '@shopfloor/alarms';
import { createSilentLogger, Pipeline, pipelineDefaults, TagDirectory, type PointStore, type Processor } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { createSqliteAlarmStore, createSqlitePointStore, sqlitePointStoreDefaults, type SqliteAlarmStore } from '@shopfloor/store-sqlite';
import { createUplink, type Uplink } from '@shopfloor/uplink';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { alarmForwarder, forwardingStore } from './edge-forwarding.ts';
import { disturbedMark, disturbedNote } from './ingest-compare.ts';
import { deleteStream, findProcess, hubReceiverOnJetStream, linkName, uplinkOnJetStream } from './jetstream-link.ts';
import { machineBusyUs, ownCpuUs, processCpuUs, threadCpuUs } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { RoleProcess } from './role-process.ts';
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
  /** With forwarding: outbox backlog (points) when the last point was submitted, and what the hub stored of the run. */
  readonly backlogAtEnd?: number;
  readonly hubStored?: number;
  /** With forwarding: alarm events put in the outbox. */
  readonly eventsForwarded?: number;
}

/** The edge's uplink during a forwarding run: JetStream stream `link`, consumed by the hub process. */
interface Forwarding {
  readonly link: string;
  readonly hub: RoleProcess;
  /** The machine's nats-server, charged to the run rather than to the rest of the machine. */
  readonly nats: number | undefined;
}

/** How long the outbox may take to empty, and the hub to store a run, after the run. */
const forwardTimeoutMs = 60_000;

async function hubStoredTotal(hub: RoleProcess): Promise<number> {
  return hub.metric('shopfloor_points_stored_total');
}

/**
 * Offers `rate` points/s for `seconds`: every millisecond-ish timer turn submits the points now due,
 * in payloads of 10 (one `submit` each, as a collector would). Crossing points carry a fractional
 * value; their submit time is kept by (tag, ts) and matched when the alarm event (ours) or the
 * probe at processor entry (raw) sees them.
 */
async function pacedRun(mode: 'alarms' | 'raw', rate: number, seconds: number, forwarding?: Forwarding): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-alarm-'));
  const logger = createSilentLogger();
  const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file: join(dir, 'points.db') }, { logger });
  const directory = new TagDirectory();
  // As on an edge with an uplink: a batch is durable once the local store AND the outbox hold it.
  let uplink: Uplink | undefined;
  let pipelineStore: PointStore = store;
  if (forwarding !== undefined) {
    uplink = await createUplink(uplinkOnJetStream(forwarding.link), { edgeId: 'bench-alarm-latency', dataDir: dir, logger });
    pipelineStore = forwardingStore(store, uplink, directory);
  }
  const hubBefore = forwarding === undefined ? 0 : await hubStoredTotal(forwarding.hub);
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
  let forwarder: ReturnType<typeof alarmForwarder> | undefined;
  let forwardFailure: Error | undefined;
  if (mode === 'alarms') {
    // As on an edge: events and alarm states are persisted (main thread, batched per event-loop turn).
    alarmStore = await createSqliteAlarmStore({ file: join(dir, 'alarms.db') }, { logger });
    engine = new AlarmEngine([{ id: 'hot', target: { tags: 'bench/+/+/+/temp' }, type: 'threshold', priority: 'high', op: '>', limit: 100, deadband: 5 }], {
      logger,
      origin: 'bench',
      store: alarmStore,
    });
    engine.onEvent((event) => seen(event.alarm.tag, event.ts));
    if (uplink !== undefined) {
      // As on an edge: alarm events reach the hub through the outbox, forwarded after each event.
      const events = alarmForwarder(alarmStore, uplink);
      forwarder = events;
      engine.onEvent(() =>
        setImmediate(() => void events.forward().catch((error: unknown) => (forwardFailure ??= error instanceof Error ? error : new Error(String(error))))),
      );
    }
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
  const pipeline = new Pipeline(pipelineDefaults, { store: pipelineStore, directory, logger, processors: [processor] });
  const total = Math.round(rate * seconds);
  const high = new Uint8Array(tagCount);
  // Each tag gets a strictly increasing ts (1 ms apart at least): (tag, ts) identifies a point.
  const lastTs = new Float64Array(tagCount);
  let sent = 0;
  let crossings = 0;
  const cpuBefore = threadCpuUs(process.pid, process.pid);
  const machineBefore = machineBusyUs();
  const processBefore = ownCpuUs();
  // The hub and nats-server do the run's forwarding: theirs is not interference.
  const charged = forwarding === undefined ? [] : [forwarding.hub.pid, ...(forwarding.nats !== undefined ? [forwarding.nats] : [])];
  const chargedBefore = charged.reduce((sum, pid) => sum + processCpuUs(pid), 0);
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
  const backlogAtEnd = uplink === undefined ? undefined : (await uplink.readStats()).backlog.points;
  await pipeline.drain();
  const cpu = threadCpuUs(process.pid, process.pid) - cpuBefore;
  const machine = machineBusyUs() - machineBefore;
  const processCpu = ownCpuUs() - processBefore + charged.reduce((sum, pid) => sum + processCpuUs(pid), 0) - chargedBefore;
  const stored = pipeline.stats.stored;
  await pipeline.close();
  await engine?.close();
  let hubStored: number | undefined;
  if (uplink !== undefined && forwarding !== undefined) {
    // Every event into the outbox, the outbox emptied, and the run's points in the hub's store.
    const deadline = performance.now() + forwardTimeoutMs;
    for (;;) {
      await forwarder?.forward();
      if (forwardFailure !== undefined) throw forwardFailure;
      const stats = await uplink.readStats();
      hubStored = (await hubStoredTotal(forwarding.hub)) - hubBefore;
      if (stats.backlog.points === 0 && stats.backlog.records === 0 && hubStored >= stored) break;
      if (performance.now() > deadline)
        throw new Error(
          `forwarding: the hub stored ${hubStored} of ${stored} points ${forwardTimeoutMs / 1_000} s after the run (outbox backlog ${stats.backlog.points} points)`,
        );
      await sleep(50);
    }
    await uplink.close();
  }
  const persisted = alarmStore === undefined ? latencies.length : (forwarder?.forwarded ?? 0) + (await alarmStore.unforwardedCount());
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
    // Everything but this process (main thread, store and outbox workers) and the hub: the interference the run shared the cores with.
    otherCores: Math.max(0, machine - processCpu) / 1e3 / elapsedMs,
    ...(backlogAtEnd !== undefined ? { backlogAtEnd } : {}),
    ...(hubStored !== undefined ? { hubStored } : {}),
    ...(forwarder !== undefined ? { eventsForwarded: forwarder.forwarded } : {}),
  };
}

function p(run: Run, percentile: number): number {
  return percentileOfSorted(run.latencies, percentile);
}

function latencyRows(rate: (typeof rates)[number], ours: readonly Run[], raw: readonly Run[], label: string, goal: boolean): Row[] {
  const pick = (runs: readonly Run[], percentile: number) => median(runs.map((run) => p(run, percentile)));
  return ([50, 99] as const).map((percentile) => {
    const figure = pick(ours, percentile);
    return {
      measure: `sensor → alarm p${percentile} at ${count(rate)} points/s${label}`,
      figure: ms(figure),
      goal: goal ? (percentile === 99 ? `≤ ${goals[rate]} ms` : rate === 5_000 ? '≤ 0.5 ms' : '—') : '—',
      met: goal ? (percentile === 99 ? figure <= goals[rate] : rate === 5_000 ? figure <= 0.5 : undefined) : undefined,
      raw: ms(pick(raw, percentile)),
      ratio: ratio(figure, pick(raw, percentile)),
      cpu:
        percentile === 50
          ? `main ${fixed(median(ours.map((run) => run.mainCpuPerPoint)), 2)} (raw ${fixed(median(raw.map((run) => run.mainCpuPerPoint)), 2)})`
          : '',
      runs: ours.map((run) => `${ms(p(run, percentile))}${disturbedMark(run.otherCores)}`).join(' / '),
    };
  });
}

function runsNote(rate: number, label: string, ours: readonly Run[]): string {
  const missed = ours.filter(
    (run) =>
      run.measured !== run.crossings ||
      run.persisted !== run.crossings ||
      run.stored !== run.points ||
      (run.hubStored !== undefined && run.hubStored !== run.stored),
  );
  const forwarded = ours.every((run) => run.hubStored !== undefined)
    ? `; outbox backlog at the last submit ${ours.map((run) => count(run.backlogAtEnd ?? Number.NaN)).join(' / ')} points, the hub stored ${ours.map((run) => count(run.hubStored ?? Number.NaN)).join(' / ')}, alarm events forwarded ${ours.map((run) => count(run.eventsForwarded ?? Number.NaN)).join(' / ')}`
    : '';
  return (
    `${count(rate)}/s${label}: achieved ${ours.map((run) => count(run.achieved)).join(' / ')} points/s; alarm events ${ours.map((run) => `${count(run.measured)}/${count(run.crossings)}`).join(' / ')} of the crossings; ` +
    `max ${ours.map((run) => ms(p(run, 100))).join(' / ')}${forwarded}` +
    (missed.length === 0
      ? `; every crossing raised its event, every event was persisted and every point was stored${forwarded === '' ? '' : ' (and in the hub)'}.`
      : `; MISSED: ${missed.length} run(s) lost events or points.`)
  );
}

export async function benchAlarmLatency(context: BenchContext): Promise<BenchResult> {
  const seconds = context.quick ? 3 : 10;
  const rows: Row[] = [];
  const notes: string[] = [];
  const link = linkName('alarm');
  const hub = await RoleProcess.start({
    role: 'hub',
    adjust: (config) => hubReceiverOnJetStream(config, link),
    ...(context.profileDir !== undefined ? { profileDir: context.profileDir } : {}),
  });
  try {
    const forwarding: Forwarding = { link, hub, nats: findProcess('nats-server') };
    for (const rate of rates) {
      const ours: Run[] = [];
      const oursForwarding: Run[] = [];
      const raw: Run[] = [];
      for (const index of runIndexes(context)) {
        const runSeconds = index === 0 ? seconds / 2 : seconds;
        const mine = await pacedRun('alarms', rate, runSeconds);
        await sleep(200);
        const withForwarding = await pacedRun('alarms', rate, runSeconds, forwarding);
        await sleep(200);
        const reference = await pacedRun('raw', rate, runSeconds);
        await sleep(200);
        context.log(
          `  alarm-latency ${count(rate)}/s ${runLabel(context, index)}: sensor → alarm p50 ${ms(p(mine, 50))} p99 ${ms(p(mine, 99))} max ${ms(p(mine, 100))} ` +
            `(${count(mine.measured)}/${count(mine.crossings)} crossings, stored ${count(mine.stored)}/${count(mine.points)}, main thread ${fixed(mine.mainCpuPerPoint, 2)} µs/point)` +
            ` | with forwarding p50 ${ms(p(withForwarding, 50))} p99 ${ms(p(withForwarding, 99))} max ${ms(p(withForwarding, 100))} ` +
            `(${count(withForwarding.measured)}/${count(withForwarding.crossings)} crossings, hub stored ${count(withForwarding.hubStored ?? Number.NaN)}/${count(withForwarding.stored)}, ` +
            `outbox backlog at the end ${count(withForwarding.backlogAtEnd ?? Number.NaN)}, main thread ${fixed(withForwarding.mainCpuPerPoint, 2)} µs/point)` +
            ` | raw submit → processor p50 ${ms(p(reference, 50))} p99 ${ms(p(reference, 99))} (${fixed(reference.mainCpuPerPoint, 2)} µs/point)`,
        );
        if (index === 0) continue;
        ours.push(mine);
        oursForwarding.push(withForwarding);
        raw.push(reference);
      }
      rows.push(...latencyRows(rate, ours, raw, '', true), ...latencyRows(rate, oursForwarding, raw, ', storage and forwarding running', true));
      notes.push(runsNote(rate, '', ours), runsNote(rate, ' with forwarding', oursForwarding));
    }
  } finally {
    await hub.stop();
    await deleteStream(link).catch((error: unknown) => context.log(`  cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
  return {
    id: 'alarm-latency',
    title: '9. Sensor → alarm latency with storage (and forwarding) running',
    setup:
      `In-process: a paced source submits single-tag payloads of ${pointsPerPayload} points (${count(tagCount)} tags, round robin) to a real \`Pipeline\` with \`SqlitePointStore\` (file, WAL, synchronous=FULL, writer in a worker thread) running; ` +
      `the alarm engine (one threshold rule with deadband on every tag) is the pipeline's processor, so rules see points before storage. One point in ${crossingEvery} crosses the limit (alternately up and down, so every crossing is a transition); ` +
      `latency = alarm event emitted − submit() of its payload (performance.now()), ${seconds} s per run at each offered rate. ` +
      "With forwarding: the pipeline's store is the edge's (a batch is durable once the local store and the uplink outbox hold it; `createUplink`, outbox in a worker thread, JetStream on the machine's nats-server) " +
      'and alarm events go to the outbox after each event, as `shopfloor edge` does; a hub process (`startUplinkReceiver` → its SQLite store) consumes the stream on the same 2 cores, and each run waits until the hub has stored all its points. ' +
      'Raw reference (both variants): the same pipeline and store, no forwarding, a do-nothing probe as processor, latency = submit() → processor entry (the pipeline batching alone).',
    rows,
    notes: [
      ...notes,
      'CPU µs/point is the main thread only (the point store and the outbox write in worker threads): the difference to raw is the rule engine plus the alarm store transactions (and, with forwarding, the outbox hand-off and alarm forwarding), which run on the main thread.',
      disturbedNote,
    ],
  };
}
