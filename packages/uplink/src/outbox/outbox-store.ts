/**
 * The durable outbox of one edge, synchronous over better-sqlite3 (it runs in the uplink worker
 * thread, and directly in the model test). Appended data goes to a journal, one row per append
 * group; as soon as a stream (class × kind) holds a full message it is packed into an entry with the
 * next seq (encoded, compressed, header included), in the same transaction. `pack` packs what is
 * left when the sender wants to send it. Every change is one transaction; when one fails, the
 * in-memory index is reloaded from the file, so memory never runs ahead of the disk.
 *
 * Disk budget (`maxBytes`, payload bytes + a per-row overhead): when any change leaves the outbox
 * over budget, the oldest raw entries and journal rows are evicted, then the oldest aggregates;
 * alarm and status data are never evicted. New raw data that does not fit once no older raw data
 * is left is therefore dropped on arrival ("refused"). Every drop is counted per class, with its
 * timestamp range, and the seqs of evicted entries are kept until a drops report carrying them
 * has been delivered, so the hub can close the gaps in its dedupe state.
 *
 * Over 500 lines on purpose: journal, entries, seqs, budget and drop counters change together in
 * one transaction each, and their invariants read best in one place.
 */
import type Database from 'better-sqlite3';
import type { MessageKind, UplinkClass } from '../wire/message.ts';
import { compactColumns, deserializeColumns, serializeColumns, type PointColumns } from '../wire/point-columns.ts';
import {
  classCode,
  classOf,
  kindCode,
  kindOf,
  openOutboxDatabase,
  rowOverheadBytes,
  type DropCount,
  type EntryMeta,
  type JournalMeta,
} from './outbox-schema.ts';
import { fitCount, packDocument, packSlices, sliceBound, type PackData } from './packer.ts';

export interface OutboxOptions {
  readonly file: string;
  readonly edgeId: string;
  readonly maxBytes: number;
  readonly maxPointsPerMessage: number;
  readonly maxBytesPerMessage: number;
  readonly compressionLevel: number;
  /** Stamps entries made from status and drops reports. */
  readonly now: () => number;
}

export type AppendGroup =
  | { readonly kind: 'points'; readonly klass: UplinkClass; readonly columns: PointColumns; readonly created: number }
  | { readonly kind: 'alarms' | 'events'; readonly klass: UplinkClass; readonly records: readonly unknown[]; readonly created: number };

/** What a change did to the set of entries. */
export interface OutboxChange {
  readonly added: EntryMeta[];
  readonly evicted: number[];
}

/** What a drops report carries: totals since the outbox was created, and the seqs evicted since the last report. */
export interface DropReport {
  readonly version: number;
  readonly totals: Readonly<Record<UplinkClass, DropCount>>;
  readonly droppedSeqs: readonly (readonly [number, number])[];
}

interface Item {
  readonly row: JournalMeta | undefined;
  data: PackData | undefined;
  start: number;
  readonly end: number;
  readonly created: number;
}

const evictionOrder: readonly UplinkClass[] = ['raw', 'aggregate'];
const emptyDrop: DropCount = { points: 0, refused: 0, entries: 0 };
const noChange = (): OutboxChange => ({ added: [], evicted: [] });

export class OutboxStore {
  readonly stream: string;
  readonly #db: Database.Database;
  readonly #options: OutboxOptions;
  readonly #entries = new Map<number, EntryMeta>();
  readonly #journal = new Map<number, JournalMeta>();
  readonly #kinds = new Map<MessageKind, number>();
  readonly #journalRows = new Map<UplinkClass, number>();
  readonly #statements = new Map<string, Database.Statement>();
  #bytes = 0;
  #nextSeq = 1;
  #drops: Record<UplinkClass, DropCount> = { raw: emptyDrop, aggregate: emptyDrop, status: emptyDrop, alarm: emptyDrop };
  #dropsVersion = 0;
  #dropsReported = 0;
  #statusPending: string | undefined;

  private constructor(db: Database.Database, options: OutboxOptions) {
    this.#db = db;
    this.#options = options;
    this.stream = this.#meta('stream') as string;
    this.#load();
  }

  static open(options: OutboxOptions): OutboxStore {
    const db = openOutboxDatabase(options.file);
    try {
      const store = new OutboxStore(db, options);
      // A smaller budget than the file was filled under applies at once.
      if (store.#bytes > options.maxBytes) store.#transaction(() => store.#enforceBudget(new Set(), noChange()));
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.#db.close();
  }

  get bytes(): number {
    return this.#bytes;
  }

  get nextSeq(): number {
    return this.#nextSeq;
  }

  entries(): IterableIterator<EntryMeta> {
    return this.#entries.values();
  }

  entry(seq: number): EntryMeta | undefined {
    return this.#entries.get(seq);
  }

  journal(): IterableIterator<JournalMeta> {
    return this.#journal.values();
  }

  /** Journal rows (data not packed yet) of a class. */
  journalRows(klass: UplinkClass): number {
    return this.#journalRows.get(klass) ?? 0;
  }

  drops(): Readonly<Record<UplinkClass, DropCount>> {
    return this.#drops;
  }

  /** The stored message of an entry: fresh bytes on every call (the sender flags them in place). */
  message(seq: number): Buffer | undefined {
    return this.#sql<[number], { message: Buffer }>('SELECT message FROM entries WHERE seq = ?').get(seq)?.message;
  }

  /** Makes the groups durable (one transaction); full messages are packed at once. */
  append(groups: readonly AppendGroup[]): OutboxChange {
    return this.#transaction(() => {
      const change = noChange();
      const fresh = new Set<string>();
      const byStream = new Map<string, AppendGroup[]>();
      for (const group of groups) {
        if ((group.kind === 'points' ? group.columns.ts.length : group.records.length) === 0) continue;
        const key = `${group.klass}/${group.kind}`;
        const list = byStream.get(key);
        if (list === undefined) byStream.set(key, [group]);
        else list.push(group);
      }
      for (const list of byStream.values()) {
        const { klass, kind } = list[0] as AppendGroup;
        const items = this.#journalItems(klass, kind);
        for (const group of list) {
          const data: PackData = group.kind === 'points' ? { kind: 'points', columns: group.columns } : { kind: 'records', records: group.records };
          items.push({ row: undefined, data, start: 0, end: group.kind === 'points' ? group.columns.ts.length : group.records.length, created: group.created });
        }
        const left = this.#packItems(klass, kind, items, false, change, fresh);
        for (const item of left) if (item.row === undefined) fresh.add(`j${this.#insertJournal(klass, kind, item)}`);
      }
      this.#enforceBudget(fresh, change);
      return change;
    });
  }

  /** Packs everything waiting in the journal of the streams `which` selects, full or not. */
  pack(which: (klass: UplinkClass, kind: MessageKind) => boolean): OutboxChange {
    const streams = new Map<string, [UplinkClass, MessageKind]>();
    for (const row of this.#journal.values()) if (which(row.klass, row.kind)) streams.set(`${row.klass}/${row.kind}`, [row.klass, row.kind]);
    if (streams.size === 0) return noChange();
    return this.#transaction(() => {
      const change = noChange();
      for (const [klass, kind] of streams.values()) this.#packItems(klass, kind, this.#journalItems(klass, kind), true, change, new Set());
      this.#enforceBudget(new Set(), change);
      return change;
    });
  }

  /** Keeps the latest status to send (only the latest matters until it becomes an entry). */
  setStatus(record: unknown): void {
    const text = JSON.stringify(record);
    this.#transaction(() => this.#setMeta('status_pending', text));
    this.#statusPending = text;
  }

  /** Turns the pending status into an entry, unless one is already waiting for its acknowledgement. */
  materializeStatus(): OutboxChange {
    const pending = this.#statusPending;
    if (pending === undefined || this.#hasKind('status')) return noChange();
    return this.#transaction(() => {
      const entry = this.#insertDocument('status', JSON.parse(pending) as unknown);
      this.#setMeta('status_pending', null);
      this.#statusPending = undefined;
      const change: OutboxChange = { added: [entry], evicted: [] };
      this.#enforceBudget(new Set(), change);
      return change;
    });
  }

  /** Turns new drops into a drops report entry, unless one is already waiting for its acknowledgement. */
  materializeDrops(): OutboxChange {
    if (this.#dropsVersion <= this.#dropsReported || this.#hasKind('drops')) return noChange();
    return this.#transaction(() => {
      const seq = this.#nextSeq;
      this.#sql('UPDATE dropped_seqs SET reported_by = ? WHERE reported_by IS NULL').run(seq);
      const ranges = this.#db
        .prepare<[number], { from_seq: number; to_seq: number }>('SELECT from_seq, to_seq FROM dropped_seqs WHERE reported_by = ? ORDER BY from_seq')
        .all(seq)
        .map((row) => [row.from_seq, row.to_seq] as const);
      const report: DropReport = { version: this.#dropsVersion, totals: this.#drops, droppedSeqs: ranges };
      const entry = this.#insertDocument('drops', report);
      this.#setMeta('drops_in_flight', JSON.stringify({ seq: entry.seq, version: this.#dropsVersion }));
      const change: OutboxChange = { added: [entry], evicted: [] };
      this.#enforceBudget(new Set(), change);
      return change;
    });
  }

  /**
   * Deletes delivered entries. Not fsynced (synchronous=NORMAL): after a power loss an entry may
   * come back and be sent again, which the hub deduplicates; a process crash loses nothing.
   */
  remove(seqs: readonly number[]): EntryMeta[] {
    const removed: EntryMeta[] = [];
    if (!seqs.some((seq) => this.#entries.has(seq))) return removed;
    this.#sql('PRAGMA synchronous = NORMAL').run();
    try {
      this.#transaction(() => {
        const remove = this.#sql('DELETE FROM entries WHERE seq = ?');
        for (const seq of seqs) {
          const entry = this.#entries.get(seq);
          if (entry === undefined) continue;
          remove.run(seq);
          this.#entries.delete(seq);
          this.#track(entry, -1);
          removed.push(entry);
          if (entry.kind === 'drops') this.#dropsDelivered(seq);
        }
      });
    } finally {
      this.#sql('PRAGMA synchronous = FULL').run();
    }
    return removed;
  }

  /** Everything stored, decoded (tests and the model). */
  inspect(): { journal: { meta: JournalMeta; data: PackData }[]; entries: { meta: EntryMeta; message: Buffer }[] } {
    return {
      journal: [...this.#journal.values()].map((meta) => ({ meta, data: this.#rowData(meta) })),
      entries: [...this.#entries.values()].map((meta) => ({ meta, message: this.message(meta.seq) as Buffer })),
    };
  }

  #hasKind(kind: MessageKind): boolean {
    return (this.#kinds.get(kind) ?? 0) > 0;
  }

  #track(entry: EntryMeta, sign: 1 | -1): void {
    this.#kinds.set(entry.kind, (this.#kinds.get(entry.kind) ?? 0) + sign);
    this.#bytes += sign * entry.bytes;
  }

  #journalItems(klass: UplinkClass, kind: MessageKind): Item[] {
    const items: Item[] = [];
    for (const row of this.#journal.values()) {
      if (row.klass === klass && row.kind === kind) items.push({ row, data: undefined, start: 0, end: row.count, created: row.created });
    }
    return items;
  }

  #rowData(row: JournalMeta): PackData {
    const body = this.#sql<[number], { body: Buffer }>('SELECT body FROM journal WHERE id = ?').get(row.id)?.body;
    if (body === undefined) throw new RangeError(`journal row ${row.id} is missing`);
    return row.kind === 'points'
      ? { kind: 'points', columns: deserializeColumns(body) }
      : { kind: 'records', records: JSON.parse(body.toString('utf8')) as unknown[] };
  }

  #itemData(item: Item): PackData {
    item.data ??= this.#rowData(item.row as JournalMeta);
    return item.data;
  }

  #itemBound(item: Item): number {
    if (item.row !== undefined && item.start === 0) return item.row.bytes;
    return sliceBound(this.#itemData(item), item.start, item.end);
  }

  /**
   * Packs full messages from the items (all of them when `force`); returns what is left. Journal rows
   * packed whole are deleted, a row packed in part keeps its id and holds the rest.
   */
  #packItems(klass: UplinkClass, kind: MessageKind, items: Item[], force: boolean, change: OutboxChange, fresh: Set<string>): Item[] {
    const { maxPointsPerMessage, maxBytesPerMessage } = this.#options;
    let count = 0;
    let bound = 0;
    for (const item of items) {
      count += item.end - item.start;
      bound += this.#itemBound(item);
    }
    let next = 0;
    while (next < items.length && (force || count >= maxPointsPerMessage || bound >= maxBytesPerMessage)) {
      const slices: { data: PackData; start: number; end: number }[] = [];
      let taken = 0;
      let room = maxBytesPerMessage;
      let created = Number.POSITIVE_INFINITY;
      while (next < items.length && taken < maxPointsPerMessage) {
        const item = items[next] as Item;
        const data = this.#itemData(item);
        const want = Math.min(item.end - item.start, maxPointsPerMessage - taken);
        const take = fitCount(data, item.start, item.start + want, room);
        if (taken > 0 && take === 1 && sliceBound(data, item.start, item.start + 1) > room) break;
        slices.push({ data, start: item.start, end: item.start + take });
        room -= sliceBound(data, item.start, item.start + take);
        taken += take;
        created = Math.min(created, item.created);
        item.start += take;
        if (item.start === item.end) {
          if (item.row !== undefined) this.#deleteJournal(item.row);
          next++;
        }
        if (room <= 0) break;
      }
      const entry = this.#insertEntry(klass, kind, created, slices);
      change.added.push(entry);
      fresh.add(`e${entry.seq}`);
      count -= taken;
      bound = 0;
      for (let index = next; index < items.length; index++) bound += this.#itemBound(items[index] as Item);
    }
    const left = items.slice(next);
    const partial = left[0];
    if (partial?.row !== undefined && partial.start > 0) this.#rewriteJournal(partial);
    return left;
  }

  #insertEntry(klass: UplinkClass, kind: MessageKind, created: number, slices: readonly { data: PackData; start: number; end: number }[]): EntryMeta {
    const seq = this.#nextSeq;
    const packed = packSlices({ edgeId: this.#options.edgeId, stream: this.stream, seq, created, klass, kind }, slices, this.#options.compressionLevel);
    return this.#storeEntry(
      { seq, klass, kind, created, count: packed.count, bytes: packed.message.length + rowOverheadBytes, firstTs: packed.firstTs, lastTs: packed.lastTs },
      packed.message,
    );
  }

  #insertDocument(kind: 'status' | 'drops', document: unknown): EntryMeta {
    const seq = this.#nextSeq;
    const created = this.#options.now();
    const packed = packDocument(
      { edgeId: this.#options.edgeId, stream: this.stream, seq, created, klass: 'status', kind },
      document,
      this.#options.compressionLevel,
    );
    return this.#storeEntry(
      { seq, klass: 'status', kind, created, count: 1, bytes: packed.message.length + rowOverheadBytes, firstTs: created, lastTs: created },
      packed.message,
    );
  }

  #storeEntry(entry: EntryMeta, message: Buffer): EntryMeta {
    this.#db
      .prepare('INSERT INTO entries (seq, class, kind, created, count, bytes, first_ts, last_ts, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.seq, classCode(entry.klass), kindCode(entry.kind), entry.created, entry.count, entry.bytes, entry.firstTs, entry.lastTs, message);
    this.#nextSeq = entry.seq + 1;
    this.#setMeta('next_seq', this.#nextSeq);
    this.#entries.set(entry.seq, entry);
    this.#track(entry, 1);
    return entry;
  }

  #serializeItem(item: Item): { body: Buffer; firstTs: number; lastTs: number } {
    const data = this.#itemData(item);
    if (data.kind === 'records')
      return { body: Buffer.from(JSON.stringify(data.records.slice(item.start, item.end)), 'utf8'), firstTs: item.created, lastTs: item.created };
    const columns = compactColumns(data.columns, item.start, item.end);
    let firstTs = Number.POSITIVE_INFINITY;
    let lastTs = Number.NEGATIVE_INFINITY;
    for (const ts of columns.ts) {
      if (ts < firstTs) firstTs = ts;
      if (ts > lastTs) lastTs = ts;
    }
    return { body: Buffer.from(serializeColumns(columns)), firstTs, lastTs };
  }

  #insertJournal(klass: UplinkClass, kind: MessageKind, item: Item): number {
    const { body, firstTs, lastTs } = this.#serializeItem(item);
    const count = item.end - item.start;
    const bytes = body.length + rowOverheadBytes;
    const result = this.#db
      .prepare('INSERT INTO journal (class, kind, created, count, bytes, first_ts, last_ts, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(classCode(klass), kindCode(kind), item.created, count, bytes, firstTs, lastTs, body);
    const id = Number(result.lastInsertRowid);
    this.#journal.set(id, { id, klass, kind, created: item.created, count, bytes, firstTs, lastTs });
    this.#journalRows.set(klass, (this.#journalRows.get(klass) ?? 0) + 1);
    this.#bytes += bytes;
    return id;
  }

  #rewriteJournal(item: Item): void {
    const row = item.row as JournalMeta;
    const { body, firstTs, lastTs } = this.#serializeItem(item);
    const count = item.end - item.start;
    const bytes = body.length + rowOverheadBytes;
    this.#db
      .prepare('UPDATE journal SET count = ?, bytes = ?, first_ts = ?, last_ts = ?, body = ? WHERE id = ?')
      .run(count, bytes, firstTs, lastTs, body, row.id);
    this.#journal.set(row.id, { ...row, count, bytes, firstTs, lastTs });
    this.#bytes += bytes - row.bytes;
  }

  #deleteJournal(row: JournalMeta): void {
    this.#sql('DELETE FROM journal WHERE id = ?').run(row.id);
    const current = this.#journal.get(row.id);
    if (this.#journal.delete(row.id)) this.#journalRows.set(row.klass, (this.#journalRows.get(row.klass) ?? 1) - 1);
    this.#bytes -= current?.bytes ?? row.bytes;
  }

  #enforceBudget(fresh: ReadonlySet<string>, change: OutboxChange): void {
    const { maxBytes } = this.#options;
    if (this.#bytes <= maxBytes) return;
    const evicted: number[] = [];
    for (const klass of evictionOrder) {
      for (const entry of this.#entries.values()) {
        if (this.#bytes <= maxBytes) break;
        if (entry.klass !== klass) continue;
        this.#sql('DELETE FROM entries WHERE seq = ?').run(entry.seq);
        this.#entries.delete(entry.seq);
        this.#track(entry, -1);
        this.#countDrop(entry, fresh.has(`e${entry.seq}`), true);
        evicted.push(entry.seq);
      }
      for (const row of this.#journal.values()) {
        if (this.#bytes <= maxBytes) break;
        if (row.klass !== klass) continue;
        this.#deleteJournal(row);
        this.#countDrop(row, fresh.has(`j${row.id}`), false);
      }
    }
    if (evicted.length > 0) {
      evicted.sort((a, b) => a - b);
      change.evicted.push(...evicted);
      const insert = this.#sql('INSERT INTO dropped_seqs (from_seq, to_seq) VALUES (?, ?)');
      let from = evicted[0] as number;
      let to = from;
      for (const seq of [...evicted.slice(1), Number.NaN]) {
        if (seq === to + 1) to = seq;
        else {
          insert.run(from, to);
          from = to = seq;
        }
      }
    }
  }

  #countDrop(item: EntryMeta | JournalMeta, refused: boolean, entry: boolean): void {
    const before = this.#drops[item.klass];
    const after: DropCount = {
      points: before.points + item.count,
      refused: before.refused + (refused ? item.count : 0),
      entries: before.entries + (entry ? 1 : 0),
      firstTs: Math.min(before.firstTs ?? Number.POSITIVE_INFINITY, item.firstTs),
      lastTs: Math.max(before.lastTs ?? Number.NEGATIVE_INFINITY, item.lastTs),
    };
    this.#drops = { ...this.#drops, [item.klass]: after };
    this.#db
      .prepare('INSERT OR REPLACE INTO drops (class, points, refused, entries, first_ts, last_ts) VALUES (?, ?, ?, ?, ?, ?)')
      .run(classCode(item.klass), after.points, after.refused, after.entries, after.firstTs, after.lastTs);
    this.#dropsVersion++;
    this.#setMeta('drops_version', this.#dropsVersion);
  }

  #dropsDelivered(seq: number): void {
    const inFlight = this.#meta('drops_in_flight');
    if (typeof inFlight !== 'string') return;
    const carried = JSON.parse(inFlight) as { seq: number; version: number };
    if (carried.seq !== seq) return;
    this.#sql('DELETE FROM dropped_seqs WHERE reported_by = ?').run(seq);
    this.#dropsReported = carried.version;
    this.#setMeta('drops_reported', carried.version);
    this.#setMeta('drops_in_flight', null);
  }

  /** A prepared statement, prepared once. */
  #sql<Parameters extends unknown[] = unknown[], Result = unknown>(text: string): Database.Statement<Parameters, Result> {
    let statement = this.#statements.get(text);
    if (statement === undefined) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement as unknown as Database.Statement<Parameters, Result>;
  }

  #meta(key: string): unknown {
    return this.#sql<[string], { value: unknown }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
  }

  #setMeta(key: string, value: string | number | null): void {
    this.#sql('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  #transaction<T>(body: () => T): T {
    try {
      return this.#db.transaction(body)();
    } catch (error) {
      this.#load();
      throw error;
    }
  }

  #load(): void {
    this.#entries.clear();
    this.#journal.clear();
    this.#journalRows.clear();
    this.#kinds.clear();
    this.#bytes = 0;
    this.#nextSeq = Number(this.#meta('next_seq'));
    this.#dropsVersion = Number(this.#meta('drops_version'));
    this.#dropsReported = Number(this.#meta('drops_reported'));
    const status = this.#meta('status_pending');
    this.#statusPending = typeof status === 'string' ? status : undefined;
    type Row = { seq: number; class: number; kind: number; created: number; count: number; bytes: number; first_ts: number; last_ts: number };
    for (const row of this.#sql<[], Row>('SELECT seq, class, kind, created, count, bytes, first_ts, last_ts FROM entries ORDER BY seq').all()) {
      const entry = {
        seq: row.seq,
        klass: classOf(row.class),
        kind: kindOf(row.kind),
        created: row.created,
        count: row.count,
        bytes: row.bytes,
        firstTs: row.first_ts,
        lastTs: row.last_ts,
      };
      this.#entries.set(entry.seq, entry);
      this.#track(entry, 1);
    }
    for (const row of this.#sql<[], Row>('SELECT id AS seq, class, kind, created, count, bytes, first_ts, last_ts FROM journal ORDER BY id').all()) {
      const meta = {
        id: row.seq,
        klass: classOf(row.class),
        kind: kindOf(row.kind),
        created: row.created,
        count: row.count,
        bytes: row.bytes,
        firstTs: row.first_ts,
        lastTs: row.last_ts,
      };
      this.#journal.set(meta.id, meta);
      this.#journalRows.set(meta.klass, (this.#journalRows.get(meta.klass) ?? 0) + 1);
      this.#bytes += meta.bytes;
    }
    type DropRow = { class: number; points: number; refused: number; entries: number; first_ts: number | null; last_ts: number | null };
    const drops = { raw: emptyDrop, aggregate: emptyDrop, status: emptyDrop, alarm: emptyDrop };
    for (const row of this.#sql<[], DropRow>('SELECT class, points, refused, entries, first_ts, last_ts FROM drops').all()) {
      drops[classOf(row.class)] = {
        points: row.points,
        refused: row.refused,
        entries: row.entries,
        ...(row.first_ts === null ? {} : { firstTs: row.first_ts }),
        ...(row.last_ts === null ? {} : { lastTs: row.last_ts }),
      };
    }
    this.#drops = drops;
  }
}
