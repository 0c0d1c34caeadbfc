/**
 * Decides what goes on the wire next, synchronously (the worker calls it on every event; the model
 * test drives it with a fake transport and clock).
 *
 * Lanes: `priority` (alarm and status entries), `live` (raw and aggregate entries packed since the
 * link came up) and `backlog` (older ones). Each lane is sent in seq order, so a tag's points keep
 * their order within live and within the backlog. At most `windowMessages` are unacknowledged;
 * while both live and backlog entries wait, `backlogShare` of the window is kept for the backlog.
 * An entry is flagged historical when its data was appended before the current connection. Raw and aggregate
 * journal rows are packed into a live message only when no live message is in flight (Nagle: small
 * messages at low rates, full ones under load); alarm and status data are packed at once.
 */
import type { OutboxChange, OutboxStore } from '../outbox/outbox-store.ts';
import { markHistorical, type UplinkClass } from '../wire/message.ts';
import { SeqQueue } from './seq-queue.ts';

export interface SenderTransport {
  /** Publishes one message; false when there is no connection (the entry stays queued). */
  send(seq: number, message: Uint8Array): boolean;
}

export interface SenderOptions {
  readonly windowMessages: number;
  readonly backlogShare: number;
  readonly ackTimeoutMs: number;
}

export interface SenderCounters {
  sentMessages: number;
  resentMessages: number;
  ackedMessages: number;
  ackedPoints: number;
  wireBytes: number;
  wirePoints: number;
}

type Lane = 'priority' | 'live' | 'backlog';

const isPriority = (klass: UplinkClass): boolean => klass === 'alarm' || klass === 'status';

export class Sender {
  readonly counters: SenderCounters = { sentMessages: 0, resentMessages: 0, ackedMessages: 0, ackedPoints: 0, wireBytes: 0, wirePoints: 0 };
  readonly #store: OutboxStore;
  readonly #transport: SenderTransport;
  readonly #options: SenderOptions;
  readonly #now: () => number;
  readonly #where = new Map<number, Lane | 'flight'>();
  readonly #lanes: Record<Lane, SeqQueue<Lane>>;
  readonly #flight = new Map<number, { lane: Lane; sentAt: number }>();
  readonly #flightByLane: Record<Lane, number> = { priority: 0, live: 0, backlog: 0 };
  readonly #sentBefore = new Set<number>();
  #connected = false;
  /** Entries below this seq existed before the current connection: historical. */
  #liveFrom = Number.POSITIVE_INFINITY;
  #pausedUntil = 0;

  constructor(store: OutboxStore, transport: SenderTransport, options: SenderOptions, now: () => number) {
    this.#store = store;
    this.#transport = transport;
    this.#options = options;
    this.#now = now;
    this.#lanes = { priority: new SeqQueue('priority', this.#where), live: new SeqQueue('live', this.#where), backlog: new SeqQueue('backlog', this.#where) };
    for (const entry of store.entries()) this.#lanes[isPriority(entry.klass) ? 'priority' : 'backlog'].add(entry.seq);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get inFlight(): number {
    return this.#flight.size;
  }

  /** Entries below this seq are sent flagged historical (their data was appended before the link came up). */
  get liveFrom(): number {
    return this.#liveFrom;
  }

  /** The link is up: everything appended so far is backlog (the journal is packed first, so it is too). */
  linkUp(): void {
    this.changed(this.#store.pack(() => true));
    this.#connected = true;
    this.#liveFrom = this.#store.nextSeq;
    this.#pausedUntil = 0;
    for (const seq of [...this.#lanes.live.members()]) this.#move(seq, 'live', 'backlog');
    this.pump();
  }

  /** The link is down: what was in flight waits again (in the backlog). */
  linkDown(): void {
    this.#connected = false;
    for (const [seq, flight] of this.#flight) this.#requeue(seq, flight.lane === 'live' ? 'backlog' : flight.lane);
    for (const seq of [...this.#lanes.live.members()]) this.#move(seq, 'live', 'backlog');
  }

  /** New entries (and evictions) from the outbox. */
  changed(change: OutboxChange): void {
    for (const entry of change.added) this.#lanes[isPriority(entry.klass) ? 'priority' : this.#connected ? 'live' : 'backlog'].add(entry.seq);
    for (const seq of change.evicted) this.#forget(seq);
  }

  /** The hub (or the stream) has the entries: they leave the outbox. */
  delivered(seqs: readonly number[]): void {
    for (const entry of this.#store.remove(seqs)) {
      this.counters.ackedMessages++;
      if (entry.kind === 'points') this.counters.ackedPoints += entry.count;
    }
    for (const seq of seqs) this.#forget(seq);
    this.pump();
  }

  /** A send failed: the entry waits again, and nothing is sent for `retryAfterMs`. */
  failed(seq: number, retryAfterMs: number): void {
    const flight = this.#flight.get(seq);
    if (flight === undefined) return;
    this.#requeue(seq, flight.lane);
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + retryAfterMs);
  }

  /** Resends what waited too long for its acknowledgement, then sends what fits. */
  tick(): void {
    const deadline = this.#now() - this.#options.ackTimeoutMs;
    for (const [seq, flight] of this.#flight) if (flight.sentAt <= deadline) this.#requeue(seq, flight.lane);
    this.pump();
  }

  pump(): void {
    if (!this.#connected || this.#now() < this.#pausedUntil) return;
    const { windowMessages } = this.#options;
    this.changed(this.#store.materializeDrops());
    this.changed(this.#store.materializeStatus());
    while (this.#flight.size < windowMessages) {
      if (this.#packIdleStreams()) continue;
      const next = this.#pick();
      if (next === undefined || !this.#send(next.seq, next.lane)) return;
    }
  }

  #pick(): { seq: number; lane: Lane } | undefined {
    const lanes = this.#lanes;
    if (lanes.priority.size > 0) return this.#take('priority');
    const { windowMessages, backlogShare } = this.#options;
    const reserve = lanes.backlog.size > 0 ? Math.max(1, Math.floor(windowMessages * backlogShare)) : 0;
    if (lanes.live.size > 0 && this.#flightByLane.live < windowMessages - reserve) return this.#take('live');
    if (lanes.backlog.size > 0) return this.#take('backlog');
    return undefined;
  }

  #take(lane: Lane): { seq: number; lane: Lane } | undefined {
    const seq = this.#lanes[lane].shift();
    return seq === undefined ? undefined : { seq, lane };
  }

  /** Packs journal rows into messages: alarm and status at once, raw and aggregate when no live message waits or is in flight. */
  #packIdleStreams(): boolean {
    const store = this.#store;
    const liveIdle = this.#flightByLane.live === 0 && this.#lanes.live.size === 0;
    const waiting = store.journalRows('alarm') + store.journalRows('status') > 0 || (liveIdle && store.journalRows('raw') + store.journalRows('aggregate') > 0);
    if (!waiting) return false;
    const change = store.pack((klass) => isPriority(klass) || liveIdle);
    this.changed(change);
    return change.added.length > 0;
  }

  #send(seq: number, lane: Lane): boolean {
    const entry = this.#store.entry(seq);
    const message = entry === undefined ? undefined : this.#store.message(seq);
    if (entry === undefined || message === undefined) {
      this.#where.delete(seq);
      return true;
    }
    markHistorical(message, seq < this.#liveFrom);
    if (!this.#transport.send(seq, message)) {
      this.#lanes[lane].add(seq);
      return false;
    }
    this.#where.set(seq, 'flight');
    this.#flight.set(seq, { lane, sentAt: this.#now() });
    this.#flightByLane[lane]++;
    const counters = this.counters;
    counters.sentMessages++;
    counters.wireBytes += message.length;
    if (entry.kind === 'points') counters.wirePoints += entry.count;
    if (this.#sentBefore.has(seq)) counters.resentMessages++;
    else this.#sentBefore.add(seq);
    return true;
  }

  #requeue(seq: number, lane: Lane): void {
    const flight = this.#flight.get(seq);
    if (flight !== undefined) {
      this.#flight.delete(seq);
      this.#flightByLane[flight.lane]--;
    }
    this.#lanes[lane].add(seq);
  }

  #move(seq: number, from: Lane, to: Lane): void {
    this.#lanes[from].left();
    this.#lanes[to].add(seq);
  }

  #forget(seq: number): void {
    const where = this.#where.get(seq);
    if (where === undefined) return;
    this.#where.delete(seq);
    this.#sentBefore.delete(seq);
    if (where === 'flight') {
      const flight = this.#flight.get(seq);
      this.#flight.delete(seq);
      if (flight !== undefined) this.#flightByLane[flight.lane]--;
    } else this.#lanes[where].left();
  }
}
