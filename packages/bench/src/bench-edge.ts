/**
 * Live throughput of one edge node: points/s collected (embedded broker, JSON batches, QoS 1) →
 * processed (aggregate + deadband) → alarm rules → stored (local SQLite) → forwarded (outbox →
 * JetStream → a hub node), and the edge's CPU µs per point, against the same edge with nothing but
 * ingest and the local store (the raw limit), measured in the same run, alternating.
 */
import { readdirSync } from 'node:fs';
import type { NodeConfig } from '@shopfloor/runtime';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { disturbedMark, disturbedNote, SpanClock } from './ingest-compare.ts';
import { deleteStream, edgeUplinkOnJetStream, findProcess, hubReceiverOnJetStream, linkName } from './jetstream-link.ts';
import { CpuMeter, threadCpuUs, type CpuSource } from './proc-cpu.ts';
import { PublisherProcess } from './publisher-process.ts';
import type { BenchResult, Row } from './report.ts';
import { RoleProcess } from './role-process.ts';
import { count, fixed, median, now, sleep, times } from './stats.ts';
import { describeWorkload, type Workload } from './workload.ts';

const workload: Workload = { kind: 'json-batch', pointsPerMessage: 20 };
const enterprise = 'acme';
const pollMs = 100;
/** How long the hub may take to store everything after the edge acknowledged the last point. */
const forwardTimeoutMs = 60_000;

/** Edge processing of the measured edge: a 1 s aggregate on a tenth of the tags, then a deadband on all. */
const processors: NodeConfig['processors'] = [
  // area1/line1 holds tags 0–99 of the 1,000.
  { type: 'aggregate', tags: [`${enterprise}/plant1/area1/line1/#`], windowMs: 1_000, functions: ['min', 'max', 'avg', 'count'] },
  // The workload's values move 0.031 per second per tag: about half the points differ by more than 0.05 from the last one reported.
  { type: 'deadband', tags: [`${enterprise}/#`], band: 0.05, mode: 'absolute', maxSilenceMs: 10_000 },
];

/** A few alarm rules (200 tags each), as an edge runs them: before storage, events persisted and forwarded. */
const rules: NodeConfig['rules'] = [
  // Tags 45, 95, … read 65.0–66.0: they cross 65.5 every ~30 s of data.
  { id: 'hot', target: { tags: `${enterprise}/+/+/+/+/+/temperature` }, type: 'threshold', priority: 'high', op: '>', limit: 65.5, deadband: 0.2 },
  // The values wrap from x.99 to x.0 every ~32 s of data: a fall of ~1 in a second.
  {
    id: 'pressure-jump',
    target: { tags: `${enterprise}/+/+/+/+/+/pressure` },
    type: 'rate-of-change',
    priority: 'medium',
    limitPerSecond: 0.5,
    windowMs: 5_000,
    direction: 'both',
  },
  { id: 'current-zero', target: { tags: `${enterprise}/+/+/+/+/+/current` }, type: 'state', priority: 'low', in: [0] },
  { id: 'speed-stale', target: { tags: `${enterprise}/+/+/+/+/+/speed` }, type: 'stale', priority: 'low', afterMs: 600_000 },
];

interface EdgeTarget {
  readonly name: string;
  readonly edge: RoleProcess;
  readonly hub: RoleProcess | undefined;
  readonly publisher: PublisherProcess;
  readonly clock: SpanClock;
  readonly sources: ReadonlyMap<string, CpuSource>;
}

/** Counters of a node's /metrics that a run reads. */
interface EdgeCounters {
  readonly received: number;
  readonly pending: number;
  readonly stored: number;
  readonly filtered: number;
  readonly derived: number;
  readonly rejected: number;
  readonly failed: number;
  readonly backlog: number;
  readonly wireBytes: number;
  readonly wirePoints: number;
  readonly alarmsActive: number;
}

async function counters(node: RoleProcess): Promise<EdgeCounters> {
  const metrics = await node.metrics();
  const read = (name: string): number => metrics.get(name) ?? 0;
  let rejected = 0;
  for (const [name, value] of metrics) if (name.startsWith('shopfloor_points_rejected_total')) rejected += value;
  return {
    received: read('shopfloor_points_received_total'),
    pending: read('shopfloor_points_pending'),
    stored: read('shopfloor_points_stored_total'),
    filtered: read('shopfloor_points_filtered_total'),
    derived: read('shopfloor_points_derived_total'),
    rejected,
    failed: read('shopfloor_points_failed_total'),
    backlog: read('shopfloor_uplink_backlog_points'),
    wireBytes: read('shopfloor_uplink_wire_bytes_total'),
    wirePoints: read('shopfloor_uplink_wire_points_total'),
    alarmsActive: read('shopfloor_alarms_active'),
  };
}

/** Points whose fate is settled (stored, filtered or rejected): their payloads have been acknowledged. */
function settledPoints(edge: EdgeCounters): number {
  return edge.received - edge.pending - edge.failed;
}

interface EdgeRun {
  readonly points: number;
  /** Publisher go → the edge settled (acknowledged) the last point, s. */
  readonly seconds: number;
  readonly pointsPerSecond: number;
  /** Publisher go → the hub stored everything the edge stored, s (undefined: no hub). */
  readonly forwardSeconds: number | undefined;
  /** Outbox backlog (points) when the edge acknowledged the last point, and the largest seen during the run. */
  readonly backlogAtEnd: number;
  readonly backlogMax: number;
  /** CPU µs/point per process when the edge acknowledged the last point. */
  readonly cpuAtAck: ReadonlyMap<string, number>;
  /** CPU µs/point per process once the hub had stored everything (the whole cost of the run's points). */
  readonly cpuAll: ReadonlyMap<string, number>;
  /** Share of one core each process was busy until the edge acknowledged the last point ('others': the rest of the machine). */
  readonly busy: ReadonlyMap<string, number>;
  /** µs/point of the edge's busiest threads besides the main thread (its store writer and outbox workers), largest first. */
  readonly threads: readonly number[];
  /** Counter deltas of the run. */
  readonly edge: EdgeCounters;
  readonly hubStored: number;
}

function delta(after: EdgeCounters, before: EdgeCounters): EdgeCounters {
  const entries = Object.keys(after).map((key) => [key, after[key as keyof EdgeCounters] - before[key as keyof EdgeCounters]]);
  return { ...(Object.fromEntries(entries) as unknown as EdgeCounters), backlog: after.backlog, pending: after.pending, alarmsActive: after.alarmsActive };
}

/** CPU µs so far of every thread of a process, by thread id. */
function threadsCpu(pid: number): Map<number, number> {
  const used = new Map<number, number>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    const tid = Number(entry);
    try {
      used.set(tid, threadCpuUs(pid, tid));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return used;
}

function perPoint(used: Map<string, number>, points: number): Map<string, number> {
  return new Map([...used].map(([name, us]) => [name, us / points]));
}

/**
 * One run: the publisher floods the prepared messages (≤ 1,000 unacknowledged QoS 1); the edge's
 * settled count is polled and the moment it reaches the run's points is interpolated between
 * polls; then (with a hub) the hub's stored count is polled until it holds what the edge stored.
 */
async function edgeRun(target: EdgeTarget, points: number): Promise<EdgeRun> {
  const { edge, hub, publisher } = target;
  const prepared = await publisher.prepare(workload, target.clock.next(Math.max(1, Math.round(points / 1_000))));
  const before = await counters(edge);
  if (before.pending !== 0 || before.backlog !== 0)
    throw new Error(`${target.name}: the edge was not idle before the run (pending ${before.pending}, backlog ${before.backlog})`);
  const hubBefore = hub === undefined ? 0 : await hub.metric('shopfloor_points_stored_total');
  const goal = settledPoints(before) + prepared.points;
  const meter = new CpuMeter(target.sources);
  const threadsBefore = threadsCpu(edge.pid);
  const started = now();
  const publishing = publisher.go();
  let failure: Error | undefined;
  publishing.catch((error: unknown) => (failure = error instanceof Error ? error : new Error(String(error))));
  let previous = { at: started, value: settledPoints(before) };
  let lastChange = started;
  let backlogMax = 0;
  let finishedAt: number | undefined;
  let backlogAtEnd = 0;
  while (finishedAt === undefined) {
    await sleep(pollMs);
    if (failure !== undefined) throw failure;
    const asked = now();
    const current = await counters(edge);
    const at = (asked + now()) / 2;
    const value = settledPoints(current);
    backlogMax = Math.max(backlogMax, current.backlog);
    if (current.failed > before.failed) throw new Error(`${target.name}: ${current.failed - before.failed} points failed to be stored`);
    if (value >= goal) {
      const fraction = value > previous.value ? (goal - previous.value) / (value - previous.value) : 1;
      finishedAt = previous.at + fraction * (at - previous.at);
      backlogAtEnd = current.backlog;
    } else {
      if (value !== previous.value) lastChange = at;
      else if (at - lastChange > 30_000) throw new Error(`${target.name}: stuck at ${value - settledPoints(before)} of ${prepared.points} for 30 s`);
      previous = { at, value };
    }
  }
  const atAck = meter.since();
  let threadsAfter = threadsCpu(edge.pid);
  const seconds = (finishedAt - started) / 1_000;
  const busy = new Map([...atAck].map(([name, us]) => [name, us / 1e6 / seconds]));
  await publishing;
  let forwardSeconds: number | undefined;
  let all = atAck;
  let hubStored = 0;
  if (hub !== undefined) {
    const deadline = now() + forwardTimeoutMs;
    for (;;) {
      const current = await counters(edge);
      hubStored = (await hub.metric('shopfloor_points_stored_total')) - hubBefore;
      backlogMax = Math.max(backlogMax, current.backlog);
      if (current.pending === 0 && current.backlog === 0 && hubStored >= current.stored - before.stored) {
        forwardSeconds = (now() - started) / 1_000;
        all = meter.since();
        threadsAfter = threadsCpu(edge.pid);
        break;
      }
      if (now() > deadline)
        throw new Error(
          `${target.name}: the hub stored ${hubStored} of ${current.stored - before.stored} points ${forwardTimeoutMs / 1_000} s after the run (outbox backlog ${current.backlog})`,
        );
      await sleep(pollMs / 2);
    }
  }
  // Windows still open are closed by the next ticks: wait until the edge's counts stay put.
  let after = await counters(edge);
  for (let quiet = 0; quiet < 3;) {
    await sleep(pollMs * 2);
    const next = await counters(edge);
    quiet = next.stored === after.stored && next.pending === 0 && next.backlog === 0 ? quiet + 1 : 0;
    after = next;
  }
  if (hub !== undefined) hubStored = (await hub.metric('shopfloor_points_stored_total')) - hubBefore;
  return {
    points: prepared.points,
    seconds,
    pointsPerSecond: prepared.points / seconds,
    forwardSeconds,
    backlogAtEnd,
    backlogMax,
    cpuAtAck: perPoint(atAck, prepared.points),
    cpuAll: perPoint(all, prepared.points),
    busy,
    threads: [...threadsAfter]
      .filter(([tid]) => tid !== edge.pid)
      .map(([tid, us]) => (us - (threadsBefore.get(tid) ?? 0)) / prepared.points)
      .sort((a, b) => b - a)
      .slice(0, 3),
    edge: delta(after, before),
    hubStored,
  };
}

function cpuLine(run: EdgeRun): string {
  const names = [...run.cpuAll.keys()].filter((name) => name !== 'others');
  return `µs/point ${names.map((name) => `${name} ${fixed(run.cpuAll.get(name) ?? Number.NaN, 2)}`).join(', ')} (busiest other edge threads ${run.threads
    .map((us) => fixed(us, 2))
    .join(', ')}); cores busy ${[...run.busy].map(([name, share]) => `${name} ${fixed(share, 2)}`).join(', ')}`;
}

const medianOf = (runs: readonly EdgeRun[], pick: (run: EdgeRun) => number): number => median(runs.map(pick));
const cpuOf = (run: EdgeRun, name: string): number => run.cpuAll.get(name) ?? Number.NaN;

/** Hub and nats-server CPU are charged to the measured edge's runs too (forwarding is part of its work). */
function sourcesOf(edge: RoleProcess, publisher: PublisherProcess, hub: RoleProcess | undefined, nats: number | undefined): Map<string, CpuSource> {
  const sources = new Map<string, CpuSource>([
    ['edge', { pid: edge.pid }],
    ['main', { pid: edge.pid, tid: edge.pid }],
  ]);
  if (hub !== undefined) sources.set('hub', { pid: hub.pid });
  if (nats !== undefined) sources.set('nats', { pid: nats });
  sources.set('publisher', { pid: publisher.pid });
  return sources;
}

/** Alarm events the hub holds in its history (all were raised at the edge and forwarded). */
async function hubAlarmEvents(hub: RoleProcess): Promise<number | undefined> {
  const response = await fetch(`${hub.apiUrl}/api/v1/alarms/history?from=1970-01-01T00:00:00Z&limit=10000`, {
    headers: { authorization: `Bearer ${hub.token}` },
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { events: unknown[] }).events.length;
}

export async function benchEdge(context: BenchContext): Promise<BenchResult> {
  const points = context.quick ? 100_000 : 1_000_000;
  const profile = context.profileDir !== undefined ? { profileDir: context.profileDir } : {};
  const link = linkName('edge');
  const closers: (() => Promise<void>)[] = [() => deleteStream(link)];
  try {
    const hub = await RoleProcess.start({ role: 'hub', adjust: (config) => hubReceiverOnJetStream(config, link), ...profile });
    closers.unshift(() => hub.stop());
    const edge = await RoleProcess.start({
      role: 'edge',
      adjust: (config) => {
        config.node.id = 'bench-edge';
        config.processors = processors;
        config.rules = rules;
        edgeUplinkOnJetStream(config, link);
      },
      ...profile,
    });
    closers.unshift(() => edge.stop());
    const rawEdge = await RoleProcess.start({ role: 'edge', adjust: (config) => (config.node.id = 'bench-edge-raw'), ...profile });
    closers.unshift(() => rawEdge.stop());
    const publisher = await PublisherProcess.connect(edge.mqttUrl, 'bench-edge-publisher');
    closers.unshift(() => publisher.close());
    const rawPublisher = await PublisherProcess.connect(rawEdge.mqttUrl, 'bench-edge-raw-publisher');
    closers.unshift(() => rawPublisher.close());
    const nats = findProcess('nats-server');
    const ours: EdgeTarget = {
      name: 'edge',
      edge,
      hub,
      publisher,
      clock: new SpanClock(enterprise),
      sources: sourcesOf(edge, publisher, hub, nats),
    };
    const raw: EdgeTarget = {
      name: 'raw edge',
      edge: rawEdge,
      hub: undefined,
      publisher: rawPublisher,
      clock: new SpanClock(enterprise),
      sources: sourcesOf(rawEdge, rawPublisher, undefined, undefined),
    };

    const oursRuns: EdgeRun[] = [];
    const rawRuns: EdgeRun[] = [];
    const lost: string[] = [];
    for (const index of runIndexes(context)) {
      const runPoints = index === 0 ? points / 2 : points;
      const mine = await edgeRun(ours, runPoints);
      const reference = await edgeRun(raw, runPoints);
      if (mine.hubStored !== mine.edge.stored)
        lost.push(`${runLabel(context, index)}: the hub stored ${mine.hubStored} of the ${mine.edge.stored} points the edge stored`);
      if (reference.edge.stored !== reference.points)
        lost.push(`${runLabel(context, index)}: the raw edge stored ${reference.edge.stored} of ${reference.points}`);
      context.log(
        `  edge ${runLabel(context, index)}: ${count(mine.pointsPerSecond)} points/s acknowledged, all at the hub after ${fixed(mine.forwardSeconds ?? Number.NaN, 2)} s ` +
          `(edge ack after ${fixed(mine.seconds, 2)} s; outbox backlog at the last ack ${count(mine.backlogAtEnd)}, max ${count(mine.backlogMax)}; ` +
          `filtered ${count(mine.edge.filtered)}, derived ${count(mine.edge.derived)}, stored ${count(mine.edge.stored)}, hub stored ${count(mine.hubStored)}; ${cpuLine(mine)})` +
          ` | raw edge ${count(reference.pointsPerSecond)} points/s (${cpuLine(reference)})`,
      );
      if (index === 0) continue;
      oursRuns.push(mine);
      rawRuns.push(reference);
    }

    const rate = medianOf(oursRuns, (run) => run.pointsPerSecond);
    const rawRate = medianOf(rawRuns, (run) => run.pointsPerSecond);
    const rateRatio = median(oursRuns.map((run, index) => run.pointsPerSecond / (rawRuns[index]?.pointsPerSecond ?? Number.NaN)));
    const forwarded = medianOf(oursRuns, (run) => run.points / (run.forwardSeconds ?? Number.NaN));
    const forwardedRatio = median(
      oursRuns.map((run, index) => run.points / (run.forwardSeconds ?? Number.NaN) / (rawRuns[index]?.pointsPerSecond ?? Number.NaN)),
    );
    const edgeCpu = medianOf(oursRuns, (run) => cpuOf(run, 'edge'));
    const rawCpu = medianOf(rawRuns, (run) => cpuOf(run, 'edge'));
    const cpuRatio = median(oursRuns.map((run, index) => cpuOf(run, 'edge') / cpuOf(rawRuns[index] as EdgeRun, 'edge')));
    const cpuText = (runs: readonly EdgeRun[], names: readonly [string, string][]): string =>
      names
        .map(
          ([name, label]) =>
            `${label} ${fixed(
              medianOf(runs, (run) => cpuOf(run, name)),
              2,
            )}`,
        )
        .join(', ');
    const rateRuns = (runs: readonly EdgeRun[], pick: (run: EdgeRun) => number): string =>
      runs.map((run) => `${count(pick(run))}${disturbedMark(run.busy.get('others'))}`).join(' / ');
    const describe = describeWorkload(workload);
    const oursCpuNames: [string, string][] = [
      ['edge', 'edge'],
      ['main', 'edge main thread'],
      ['hub', 'hub'],
      ...(nats !== undefined ? ([['nats', 'nats-server']] as [string, string][]) : []),
      ['publisher', 'pub'],
    ];
    const rows: Row[] = [
      {
        measure: `edge live throughput, ${describe}: points/s acknowledged (collected → processed → rules → stored + outbox)`,
        figure: count(rate),
        goal: '—',
        met: undefined,
        raw: `${count(rawRate)} points/s (ingest + local store only)`,
        ratio: times(rateRatio),
        cpu: cpuText(oursRuns, oursCpuNames),
        runs: rateRuns(oursRuns, (run) => run.pointsPerSecond),
      },
      {
        measure: 'forwarded: points published → all stored in the hub (JetStream), per s',
        figure: count(forwarded),
        goal: '—',
        met: undefined,
        raw: `${count(rawRate)} points/s (raw edge)`,
        ratio: times(forwardedRatio),
        cpu: `hub ${fixed(
          medianOf(oursRuns, (run) => cpuOf(run, 'hub')),
          2,
        )}`,
        runs: rateRuns(oursRuns, (run) => run.points / (run.forwardSeconds ?? Number.NaN)),
      },
      {
        measure: 'edge process CPU µs per point published (processing + rules + store + outbox + sending)',
        figure: fixed(edgeCpu, 2),
        goal: '—',
        met: undefined,
        raw: `${fixed(rawCpu, 2)} µs/point (ingest + local store)`,
        ratio: times(cpuRatio),
        cpu: `extra ${fixed(edgeCpu - rawCpu, 2)}; main thread ${fixed(
          medianOf(oursRuns, (run) => cpuOf(run, 'main')),
          2,
        )} (raw ${fixed(
          medianOf(rawRuns, (run) => cpuOf(run, 'main')),
          2,
        )})`,
        runs: oursRuns.map((run) => fixed(cpuOf(run, 'edge'), 2)).join(' / '),
      },
      {
        measure: 'outbox backlog when the edge acknowledged the last point (points)',
        figure: count(medianOf(oursRuns, (run) => run.backlogAtEnd)),
        goal: '—',
        met: undefined,
        raw: '—',
        ratio: '—',
        cpu: '',
        runs: oursRuns.map((run) => `${count(run.backlogAtEnd)} (max ${count(run.backlogMax)})`).join(' / '),
      },
    ];
    const totals = (runs: readonly EdgeRun[], pick: (run: EdgeRun) => number): number => runs.reduce((sum, run) => sum + pick(run), 0);
    const received = totals(oursRuns, (run) => run.edge.received);
    const wirePoints = totals(oursRuns, (run) => run.edge.wirePoints);
    const alarmEvents = await hubAlarmEvents(hub);
    const notes = [
      disturbedNote,
      lost.length === 0
        ? 'Nothing lost: in every run (warm-up included) the hub stored every point the edge stored, and the raw edge stored every point published.'
        : `LOST POINTS: ${lost.join('; ')}`,
      `Measured edge over the measured runs: received ${count(received)}, filtered ${count(totals(oursRuns, (run) => run.edge.filtered))} (${fixed((100 * totals(oursRuns, (run) => run.edge.filtered)) / received, 1)} %, deadband), ` +
        `derived ${count(totals(oursRuns, (run) => run.edge.derived))} (1 s aggregates), rejected ${count(totals(oursRuns, (run) => run.edge.rejected))}, stored and forwarded ${count(totals(oursRuns, (run) => run.edge.stored))}; ` +
        `the hub stored ${count(totals(oursRuns, (run) => run.hubStored))}; on the wire ${fixed(totals(oursRuns, (run) => run.edge.wireBytes) / wirePoints, 2)} bytes/point (deflate); ` +
        `alarm events in the hub's history (all runs, warm-up included) ${alarmEvents === undefined ? 'not readable' : count(alarmEvents)}, ${count(oursRuns.at(-1)?.edge.alarmsActive ?? 0)} alarms active at the edge at the end.`,
      `Seconds from the publisher's first message until the hub had stored everything: ${oursRuns.map((run) => fixed(run.forwardSeconds ?? Number.NaN, 2)).join(' / ')} ` +
        `(until the edge acknowledged the last point: ${oursRuns.map((run) => fixed(run.seconds, 2)).join(' / ')}).`,
      `CPU µs/point of the raw edge: ${cpuText(rawRuns, [
        ['edge', 'edge'],
        ['main', 'main thread'],
        ['publisher', 'pub'],
      ])}. Measured edge up to its last acknowledgement (forwarding still under way): edge ${fixed(
        medianOf(oursRuns, (run) => run.cpuAtAck.get('edge') ?? Number.NaN),
        2,
      )}. The edge's busiest threads besides main (store writer and outbox workers; /proc does not name them), µs/point: ${oursRuns
        .map((run) => run.threads.map((us) => fixed(us, 2)).join(' + '))
        .join(
          ' / ',
        )} (raw edge: ${rawRuns.map((run) => run.threads.map((us) => fixed(us, 2)).join(' + ')).join(' / ')}). Cores the rest of the machine used during the measured edge's runs: ${oursRuns.map((run) => fixed(run.busy.get('others') ?? Number.NaN, 2)).join(' / ')}.`,
      `Edge and hub processes started through ${edge.launch === 'cli' ? 'the built CLI (`shopfloor edge|hub --config`)' : edge.launch}${edge.launch === 'cli' ? '' : '; the raw edge through ' + rawEdge.launch}.`,
    ];
    return {
      id: 'edge',
      title: '11. Edge node: live throughput with processing, rules, store and forwarding',
      setup:
        `One edge process (embedded aedes broker, JSON ingest, processors: a 1 s min/max/avg/count aggregate on 100 of the 1,000 tags then a 0.05 deadband on all, ` +
        `${rules.length} alarm rules (threshold, rate-of-change, state, stale; 200 tags each), SQLite store, uplink outbox → JetStream on the machine's nats-server → a hub process storing in SQLite) ` +
        `← mqtt.js publisher process, ${describe}, QoS 1, ≤ 1,000 unacknowledged, ${count(points)} points per run over the 1,000 UNS tags. ` +
        'Throughput = points acknowledged by the edge per second (publisher go → last point settled); forwarded = publisher go → the hub has stored all the edge stored. ' +
        'CPU µs/point: the edge process from go until the hub had everything (so forwarding is included), per point published. ' +
        'Raw limit: the same edge process with no processors, no rules and no uplink (ingest + local store), alternating run by run with ours.',
      rows,
      notes,
    };
  } finally {
    for (const close of closers) await close().catch((error: unknown) => context.log(`  cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}
