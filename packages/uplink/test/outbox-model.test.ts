// Model-based test of store-and-forward (RELIABILITY.md B12): fast-check command sequences against the
// real outbox (SQLite on /dev/shm) and sender with a fake transport, a fake clock and a small hub that
// deduplicates like the receiver. Commands: enqueue (each class), deliver / lose a message, deliver /
// lose an ack, tick (resend timeouts), partition / heal, crash (close the file, drop everything in
// memory, reopen), status. A small tiny disk budget makes eviction frequent. After every command the
// reference model must agree on what is pending (per class and tag, in order), seqs (monotonic, and a
// seq's content never changes) and drop counts; the policy (raw before aggregate, alarms never) and
// the budget are checked; at the end the link heals and everything drains: each point reached the hub
// exactly once or was counted dropped. SHOPFLOOR_FC_RUNS raises the number of sequences.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Sender } from '../src/edge/sender.ts';
import { OutboxStore } from '../src/outbox/outbox-store.ts';
import { SeqIntervals } from '../src/hub/seq-intervals.ts';
import { decodeMessage, type UplinkClass } from '../src/wire/message.ts';
import { columnsToPoints, TagCatalog, compactColumns } from '../src/wire/point-columns.ts';
import { decodePointsBody } from '../src/wire/points-codec.ts';

const runs = Number(process.env['SHOPFLOOR_FC_RUNS'] ?? 1_500);
/** SHOPFLOOR_FC_SEED (and SHOPFLOOR_FC_PATH) replay a failure fast-check printed. */
const seedText = process.env['SHOPFLOOR_FC_SEED'];
const pathText = process.env['SHOPFLOOR_FC_PATH'];
const replay = seedText === undefined ? {} : { seed: Number(seedText), ...(pathText === undefined ? {} : { path: pathText }) };
const dir = mkdtempSync(join('/dev/shm', 'sf-uplink-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaultBudget = 1_500;
const options = { windowMessages: 4, backlogShare: 0.5, ackTimeoutMs: 1_000 };
const classes: readonly UplinkClass[] = ['raw', 'aggregate', 'alarm'];

/** The reference: what should be pending, per class in append order; what was dropped; what each seq carried. */
class Model {
  readonly pending = new Map<UplinkClass, string[]>(classes.map((klass) => [klass, []]));
  readonly dropped = new Map<UplinkClass, { points: number; firstTs?: number; lastTs?: number; ids: string[] }>(
    classes.map((klass) => [klass, { points: 0, ids: [] }]),
  );
  readonly tsOf = new Map<string, number>();
  readonly tagOf = new Map<string, string>();
  readonly classOf = new Map<string, UplinkClass>();
  readonly seqContent = new Map<number, string>();
  /** The ids a seq carries, per class and tag key, decoded once (its content is checked never to change). */
  readonly seqIds = new Map<number, [string, string][]>();
  maxSeq = 0;
  counter = 0;
  lastStatus: number | undefined;
}

/** The system: outbox + sender + fake link, and a hub that deduplicates by (stream, seq). */
class Real {
  readonly file: string;
  store: OutboxStore;
  sender!: Sender;
  now = 1_000_000;
  up = true;
  wire: { seq: number; payload: Buffer }[] = [];
  acks: number[] = [];
  readonly hubDone = new Map<string, SeqIntervals>();
  readonly hubApplied = new Map<string, number>();
  hubStatus: number | undefined;
  maxBytes = defaultBudget;

  constructor(file: string) {
    this.file = file;
    this.store = this.#open();
    this.#sender();
  }

  #open(): OutboxStore {
    return OutboxStore.open({
      file: this.file,
      edgeId: 'model-edge',
      maxBytes: this.maxBytes,
      maxPointsPerMessage: 6,
      maxBytesPerMessage: 4_096,
      compressionLevel: 1,
      now: () => this.now,
    });
  }

  #sender(): void {
    const send = (seq: number, message: Uint8Array): boolean => {
      if (!this.up) return false;
      const historical = ((message[4] as number) & 1) === 1;
      must(historical === seq < this.sender.liveFrom, `seq ${seq} sent ${historical ? 'historical' : 'live'} with live from ${this.sender.liveFrom}`);
      this.wire.push({ seq, payload: Buffer.from(message) });
      return true;
    };
    this.sender = new Sender(this.store, { send }, options, () => this.now);
    if (this.up) this.sender.linkUp();
  }

  crash(): void {
    this.store.close();
    this.acks = []; // acks to the dead process are lost; its messages on the wire may still arrive
    this.store = this.#open();
    this.#sender();
  }

  /** The hub applies a message (unless its seq is done) and answers with an ack. */
  deliver(index: number): void {
    const [message] = this.wire.splice(index % this.wire.length, 1);
    if (message === undefined) return;
    const decoded = decodeMessage(message.payload, 1 << 24);
    const done = this.hubDone.get(decoded.stream) ?? new SeqIntervals();
    this.hubDone.set(decoded.stream, done);
    if (!done.has(decoded.seq)) {
      for (const id of idsOf(decoded.kind, decoded.body, decoded.count)) {
        must(!this.hubApplied.has(id), `${id} applied twice (seq ${decoded.seq})`);
        this.hubApplied.set(id, 1);
      }
      if (decoded.kind === 'status') this.hubStatus = (JSON.parse(Buffer.from(decoded.body).toString('utf8')) as { n: number }).n;
      if (decoded.kind === 'drops') {
        const report = JSON.parse(Buffer.from(decoded.body).toString('utf8')) as { droppedSeqs: [number, number][] };
        for (const [from, to] of report.droppedSeqs) done.addRange(from, to);
      }
      done.add(decoded.seq);
    }
    this.acks.push(decoded.seq);
  }
}

/** An assertion for hot loops (expect costs too much per call there). */
function must(condition: boolean, problem: string): void {
  if (!condition) throw new Error(problem);
}

/** Point ids (tag@ts) or record ids a message carries. */
function idsOf(kind: string, body: Uint8Array, count: number): string[] {
  if (kind === 'points') return decodePointsBody(body, count).map((point) => `${point.tag}@${point.ts}`);
  if (kind === 'alarms') return (JSON.parse(Buffer.from(body).toString('utf8')) as { id: string }[]).map((record) => record.id);
  return [];
}

/** What the outbox holds, per class and tag, in order (entries by seq, then journal rows). */
function realPending(model: Model, stored: ReturnType<OutboxStore['inspect']>): Map<string, string[]> {
  const pending = new Map<string, string[]>();
  const add = (key: string, id: string): void => {
    const list = pending.get(key);
    if (list === undefined) pending.set(key, [id]);
    else list.push(id);
  };
  for (const { meta, message } of stored.entries) {
    if (meta.kind === 'status' || meta.kind === 'drops') continue;
    let ids = model.seqIds.get(meta.seq);
    if (ids === undefined) {
      const decoded = decodeMessage(message, 1 << 24);
      ids =
        meta.kind === 'points'
          ? decodePointsBody(decoded.body, decoded.count).map((point): [string, string] => [`${meta.klass}|${point.tag}`, `${point.tag}@${point.ts}`])
          : idsOf(meta.kind, decoded.body, decoded.count).map((id): [string, string] => [`${meta.klass}|records`, id]);
      model.seqIds.set(meta.seq, ids);
    }
    for (const [key, id] of ids) add(key, id);
  }
  for (const { meta, data } of stored.journal) {
    if (data.kind === 'points') for (const point of columnsToPoints(data.columns)) add(`${meta.klass}|${point.tag}`, `${point.tag}@${point.ts}`);
    else for (const record of data.records as { id: string }[]) add(`${meta.klass}|records`, record.id);
  }
  return pending;
}

function modelPending(model: Model): Map<string, string[]> {
  const pending = new Map<string, string[]>();
  for (const [klass, ids] of model.pending) {
    for (const id of ids) {
      const key = `${klass}|${model.tagOf.get(id) as string}`;
      pending.set(key, [...(pending.get(key) ?? []), id]);
    }
  }
  return pending;
}

/** Takes the real drop counters into the model (oldest first per class) and checks everything that must agree. */
function reconcile(model: Model, real: Real): void {
  const drops = real.store.drops();
  const aggregateDroppedBefore = model.dropped.get('aggregate')!.points;
  for (const klass of classes) {
    const dropped = model.dropped.get(klass)!;
    const delta = drops[klass].points - dropped.points;
    must(delta >= 0, `${klass} drop count decreased`);
    const gone = model.pending.get(klass)!.splice(0, delta);
    must(gone.length === delta, `${klass}: ${delta} dropped, only ${gone.length} were pending`);
    for (const id of gone) {
      const ts = model.tsOf.get(id) as number;
      dropped.firstTs = Math.min(dropped.firstTs ?? ts, ts);
      dropped.lastTs = Math.max(dropped.lastTs ?? ts, ts);
      dropped.ids.push(id);
    }
    dropped.points += delta;
    if (klass !== 'alarm')
      expect({ points: drops[klass].points, firstTs: drops[klass].firstTs, lastTs: drops[klass].lastTs }).toEqual({
        points: dropped.points,
        firstTs: dropped.firstTs,
        lastTs: dropped.lastTs,
      });
  }
  expect(drops.alarm.points, 'alarms are never dropped').toBe(0);
  expect(drops.status.points, 'status is never dropped').toBe(0);
  if (drops.aggregate.points > aggregateDroppedBefore) must(model.pending.get('raw')!.length === 0, 'aggregates evicted while raw data was left');
  const lowRanksEmpty = model.pending.get('raw')!.length === 0 && model.pending.get('aggregate')!.length === 0;
  if (!lowRanksEmpty) expect(real.store.bytes, 'over budget while raw or aggregate data is left').toBeLessThanOrEqual(real.maxBytes);
  const stored = real.store.inspect();
  // Seqs: a seq's content never changes; a new seq is above every seq seen before (across crashes).
  for (const { meta, message } of stored.entries) {
    const content = message.subarray(5).toString('base64');
    const known = model.seqContent.get(meta.seq);
    if (known === undefined) {
      must(meta.seq > model.maxSeq, `new seq ${meta.seq} is not above ${model.maxSeq}, seen before`);
      model.seqContent.set(meta.seq, content);
    } else must(content === known, `seq ${meta.seq} changed content`);
  }
  expect(realPending(model, stored)).toEqual(modelPending(model));
  for (const seq of model.seqContent.keys()) model.maxSeq = Math.max(model.maxSeq, seq);
}

type Command = fc.Command<Model, Real>;

const command = (name: string, run: (model: Model, real: Real) => void): Command => ({
  check: () => true,
  run(model, real) {
    run(model, real);
    reconcile(model, real);
  },
  toString: () => name,
});

const enqueue = fc
  .record({ klass: fc.constantFrom<UplinkClass>('raw', 'raw', 'aggregate', 'alarm'), count: fc.integer({ min: 1, max: 14 }), noise: fc.boolean() })
  .map(({ klass, count, noise }) =>
    command(`enqueue(${klass}, ${count}${noise ? ', noisy' : ''})`, (model, real) => {
      const ids: string[] = [];
      if (klass === 'alarm') {
        const records = Array.from({ length: count }, () => ({ id: `r${model.counter++}` }));
        for (const record of records) {
          model.tagOf.set(record.id, 'records');
          model.tsOf.set(record.id, real.now);
          ids.push(record.id);
        }
        real.sender.changed(real.store.append([{ kind: 'alarms', klass, records, created: real.now }]));
      } else {
        const points = Array.from({ length: count }, () => {
          const n = model.counter++;
          return { tag: `m/t${n % 3}`, ts: n, value: noise ? Math.sin(n) * 1e6 : n / 4, quality: 'good' as const };
        });
        for (const point of points) {
          const id = `${point.tag}@${point.ts}`;
          model.tagOf.set(id, point.tag);
          model.tsOf.set(id, point.ts);
          ids.push(id);
        }
        const encoded = new TagCatalog().encode(points);
        const columns = compactColumns({ ...encoded.columns, tags: [] }, 0, points.length, encoded.newTags);
        real.sender.changed(real.store.append([{ kind: 'points', klass, columns, created: real.now }]));
      }
      model.pending.get(klass)!.push(...ids);
      for (const id of ids) model.classOf.set(id, klass);
      real.sender.pump();
    }),
  );

const commands = [
  enqueue,
  fc.nat().map((index) => command(`deliver(${index})`, (_, real) => real.deliver(index))),
  fc.nat().map((index) => command(`loseMessage(${index})`, (_, real) => void real.wire.splice(index % Math.max(1, real.wire.length), 1))),
  fc.nat().map((index) =>
    command(`ack(${index})`, (model, real) => {
      const [seq] = real.acks.splice(index % Math.max(1, real.acks.length), 1);
      if (seq === undefined) return;
      const entry = real.store.entry(seq);
      if (entry !== undefined && entry.kind !== 'status' && entry.kind !== 'drops') {
        const carried = new Set(idsOf(entry.kind, decodeMessage(real.store.message(seq)!, 1 << 24).body, entry.count));
        model.pending.set(
          entry.klass,
          model.pending.get(entry.klass)!.filter((id) => !carried.has(id)),
        );
      }
      real.sender.delivered([seq]);
    }),
  ),
  fc.nat().map((index) => command(`loseAck(${index})`, (_, real) => void real.acks.splice(index % Math.max(1, real.acks.length), 1))),
  fc.integer({ min: 1, max: 1_500 }).map((ms) =>
    command(`tick(${ms})`, (_, real) => {
      real.now += ms;
      real.sender.tick();
    }),
  ),
  fc.constant(
    command('partition', (_, real) => {
      if (!real.up) return;
      real.up = false;
      real.wire = [];
      real.acks = [];
      real.sender.linkDown();
    }),
  ),
  fc.constant(
    command('heal', (_, real) => {
      if (real.up) return;
      real.up = true;
      real.sender.linkUp();
    }),
  ),
  fc.constant(command('crash', (_, real) => real.crash())),
  // The disk fills: the edge restarts with a smaller budget (or gets room back).
  fc.integer({ min: 600, max: 3_000 }).map((bytes) =>
    command(`diskFull(${bytes})`, (_, real) => {
      real.maxBytes = bytes;
      real.crash();
    }),
  ),
  fc.nat({ max: 1_000 }).map((n) =>
    command(`status(${n})`, (model, real) => {
      real.store.setStatus({ n });
      model.lastStatus = n;
      real.sender.pump();
    }),
  ),
];

/** Heals the link and runs deliver/ack/tick until the outbox is empty, then checks end-to-end delivery. */
function drainAndCheck(model: Model, real: Real): void {
  if (!real.up) {
    real.up = true;
    real.sender.linkUp();
  }
  for (
    let round = 0;
    round < 500 && (real.store.entries().next().done !== true || real.store.journal().next().done !== true || real.wire.length > 0);
    round++
  ) {
    while (real.wire.length > 0) real.deliver(0);
    const acks = real.acks.splice(0);
    for (const seq of acks) {
      const entry = real.store.entry(seq);
      if (entry !== undefined && entry.kind !== 'status' && entry.kind !== 'drops') {
        const carried = new Set(idsOf(entry.kind, decodeMessage(real.store.message(seq)!, 1 << 24).body, entry.count));
        model.pending.set(
          entry.klass,
          model.pending.get(entry.klass)!.filter((id) => !carried.has(id)),
        );
      }
    }
    real.sender.delivered(acks);
    real.now += options.ackTimeoutMs;
    real.sender.tick();
    reconcile(model, real);
  }
  expect(real.store.inspect(), 'the outbox drains').toEqual({ journal: [], entries: [] });
  // Every id reached the hub exactly once, or was counted dropped (an evicted message may have arrived before its eviction).
  const droppedIds = new Set(classes.flatMap((klass) => model.dropped.get(klass)!.ids));
  for (const id of model.classOf.keys()) must(real.hubApplied.has(id) || droppedIds.has(id), `${id} neither delivered nor counted dropped`);
  for (const id of real.hubApplied.keys()) must(model.classOf.has(id), `${id} applied and never enqueued`);
  if (model.lastStatus !== undefined) expect(real.hubStatus).toBe(model.lastStatus);
  // The drops reports closed the hub's dedupe gaps: one interval per stream.
  for (const done of real.hubDone.values()) expect(done.size).toBeLessThanOrEqual(1);
}

describe('outbox store-and-forward against a reference model', () => {
  it(`agrees with the model over ${runs} command sequences and drains exactly once`, { timeout: Math.max(120_000, runs * 50) }, () => {
    let run = 0;
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60, size: 'max' }), (sequence) => {
        const file = join(dir, `outbox-${run++}.db`);
        const model = new Model();
        const real = new Real(file);
        try {
          fc.modelRun(() => ({ model, real }), sequence);
          drainAndCheck(model, real);
        } finally {
          real.store.close();
          rmSync(file, { force: true });
          rmSync(`${file}-wal`, { force: true });
          rmSync(`${file}-shm`, { force: true });
        }
      }),
      { numRuns: runs, ...replay },
    );
  });
});
