/**
 * What the hub does with one uplink message, whatever the transport: read the header, drop it if
 * its (edge, stream, seq) is done or in progress, decode, hand it on (points to the sink, records to
 * `onRecords`, status and drops reports to `onStatus`), and once that has committed, record the seq
 * as done (one transaction per event-loop turn) and only then settle the message, which is when
 * the transport acknowledges it to the edge or the stream.
 */
import type { Logger } from '@shopfloor/engine';
import type { Decoded, SourceBinding } from '@shopfloor/model';
import type { DropReport } from '../outbox/outbox-store.ts';
import { decodeHeader, decodeMessage, type MessageKind } from '../wire/message.ts';
import { decodePointsBody } from '../wire/points-codec.ts';
import type { ReceiverStore } from './receiver-store.ts';

/** How the sink learns where a batch came from: `historical` is true for backlog (never a newer live value). */
export interface UplinkSource extends SourceBinding {
  readonly historical: boolean;
}

/** Where points go: the hub's `Pipeline` has this shape (`pipeline.submit(decoded, acknowledge, source)`). */
export interface UplinkSink {
  submit(decoded: Decoded, acknowledge: (error?: Error) => void, source: UplinkSource): void;
}

export type EdgeStatusMessage = { readonly type: 'status'; readonly record: unknown } | { readonly type: 'drops'; readonly report: DropReport };

export interface UplinkReceiverDeps {
  readonly sink: UplinkSink;
  readonly logger: Logger;
  /** The dedupe state lives in `<dataDir>/uplink-receiver.db`. */
  readonly dataDir: string;
  /** Alarm and event records; the message is acknowledged once the returned promise resolves. */
  readonly onRecords?: (edgeId: string, kind: 'alarms' | 'events', records: unknown[]) => void | Promise<void>;
  readonly onStatus?: (edgeId: string, status: EdgeStatusMessage) => void | Promise<void>;
  readonly now?: () => number;
}

/** The outcome the transport acts on. */
export type Settlement =
  | { readonly outcome: 'done'; readonly edgeId: string; readonly stream: string; readonly seq: number }
  | { readonly outcome: 'retry' }
  | { readonly outcome: 'unreadable'; readonly reason: string };

export interface UplinkReceiverStats {
  receivedMessages: number;
  receivedPoints: number;
  receivedRecords: number;
  /** Messages (and their points) dropped because their seq was done or in progress: duplicates before dedupe. */
  duplicateMessages: number;
  duplicatePoints: number;
  appliedMessages: number;
  appliedPoints: number;
  acknowledgedMessages: number;
  malformedMessages: number;
  sinkFailures: number;
}

/** The source protocol recorded on tags first seen through the uplink. */
export const uplinkSourceProtocol: SourceBinding['protocol'] = 'uplink';

export class ReceiverCore {
  readonly stats: UplinkReceiverStats = {
    receivedMessages: 0,
    receivedPoints: 0,
    receivedRecords: 0,
    duplicateMessages: 0,
    duplicatePoints: 0,
    appliedMessages: 0,
    appliedPoints: 0,
    acknowledgedMessages: 0,
    malformedMessages: 0,
    sinkFailures: 0,
  };
  readonly #store: ReceiverStore;
  readonly #deps: UplinkReceiverDeps;
  readonly #maxBodyBytes: number;
  readonly #now: () => number;
  readonly #inProgress = new Map<string, ((settlement: Settlement) => void)[]>();
  #completed: { settle: (settlement: Settlement) => void; settlement: Settlement }[] = [];
  #flushScheduled = false;
  #warnedNoRecords = false;
  #idleWaiters: (() => void)[] = [];

  constructor(store: ReceiverStore, deps: UplinkReceiverDeps, maxBodyBytes: number) {
    this.#store = store;
    this.#deps = deps;
    this.#maxBodyBytes = maxBodyBytes;
    this.#now = deps.now ?? Date.now;
  }

  get inProgress(): number {
    return this.#inProgress.size;
  }

  /** True when no message is being applied or waiting to be settled. */
  idle(): boolean {
    return this.#inProgress.size === 0 && this.#completed.length === 0;
  }

  /** Resolves when idle. */
  whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length > 0 && this.idle()) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  handle(edgeId: string, payload: Uint8Array, settle: (settlement: Settlement) => void): void {
    const stats = this.stats;
    stats.receivedMessages++;
    let header: ReturnType<typeof decodeHeader>;
    try {
      header = decodeHeader(payload);
      if (header.edgeId !== edgeId) throw new RangeError(`the header names edge "${header.edgeId}", the topic or subject "${edgeId}"`);
    } catch (error) {
      this.#malformed(edgeId, error);
      settle({ outcome: 'unreadable', reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    const { stream, seq, kind } = header;
    if (kind === 'points') stats.receivedPoints += header.count;
    else if (kind === 'alarms' || kind === 'events') stats.receivedRecords += header.count;
    this.#store.seen(edgeId, this.#now());
    const key = `${edgeId}\u0000${stream}\u0000${seq}`;
    const waiting = this.#inProgress.get(key);
    if (waiting !== undefined || this.#store.isDone(edgeId, stream, seq)) {
      stats.duplicateMessages++;
      if (kind === 'points') stats.duplicatePoints += header.count;
      if (waiting !== undefined) waiting.push(settle);
      else this.#settleLater(settle, { outcome: 'done', edgeId, stream, seq });
      return;
    }
    const settles = [settle];
    this.#inProgress.set(key, settles);
    const finish = (error?: Error): void => {
      this.#inProgress.delete(key);
      if (error !== undefined) {
        stats.sinkFailures++;
        this.#deps.logger.warn('an uplink message was not applied; it will be delivered again', { edgeId, seq, error: error.message });
        for (const each of settles) each({ outcome: 'retry' });
        this.#checkIdle();
        return;
      }
      this.#store.markDone(edgeId, stream, seq);
      stats.appliedMessages++;
      if (kind === 'points') stats.appliedPoints += header.count;
      for (const each of settles) this.#settleLater(each, { outcome: 'done', edgeId, stream, seq });
    };
    try {
      this.#apply(edgeId, payload, kind, finish);
    } catch (error) {
      // A readable header and a body that is not: the edge would send it forever, so it is dropped, counted and logged.
      this.#malformed(edgeId, error);
      finish();
    }
  }

  #apply(edgeId: string, payload: Uint8Array, kind: MessageKind, finish: (error?: Error) => void): void {
    const message = decodeMessage(payload, this.#maxBodyBytes);
    const deps = this.#deps;
    const settleAsync = (work: () => void | Promise<void>): void => {
      Promise.resolve()
        .then(work)
        .then(
          () => finish(),
          (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
        );
    };
    switch (kind) {
      case 'points': {
        const points = decodePointsBody(message.body, message.count);
        deps.sink.submit({ accepted: points, rejected: [] }, finish, { protocol: uplinkSourceProtocol, address: edgeId, historical: message.historical });
        return;
      }
      case 'alarms':
      case 'events': {
        const records = JSON.parse(Buffer.from(message.body).toString('utf8')) as unknown;
        if (!Array.isArray(records)) throw new RangeError('records body is not a JSON array');
        if (deps.onRecords === undefined && !this.#warnedNoRecords) {
          this.#warnedNoRecords = true;
          deps.logger.warn('uplink records arrived and this hub has no onRecords handler; they are acknowledged and dropped', { edgeId, kind });
        }
        settleAsync(() => deps.onRecords?.(edgeId, kind, records as unknown[]));
        return;
      }
      case 'status': {
        const record = JSON.parse(Buffer.from(message.body).toString('utf8')) as unknown;
        this.#store.seen(
          edgeId,
          this.#now(),
          typeof record === 'object' && record !== null && !Array.isArray(record) ? { status: record as Record<string, unknown> } : {},
        );
        settleAsync(() => deps.onStatus?.(edgeId, { type: 'status', record }));
        return;
      }
      case 'drops': {
        const report = JSON.parse(Buffer.from(message.body).toString('utf8')) as DropReport;
        const ranges: unknown = report.droppedSeqs;
        if (!Array.isArray(ranges)) throw new RangeError('drops report has no droppedSeqs list');
        for (const range of ranges as unknown[]) {
          const [from, to] = Array.isArray(range) ? (range as unknown[]) : [];
          if (typeof from === 'number' && typeof to === 'number' && Number.isSafeInteger(from) && Number.isSafeInteger(to) && from <= to) {
            this.#store.markDone(edgeId, message.stream, from, to);
          }
        }
        this.#store.seen(edgeId, this.#now(), { drops: report });
        settleAsync(() => deps.onStatus?.(edgeId, { type: 'drops', report }));
        return;
      }
    }
  }

  #settleLater(settle: (settlement: Settlement) => void, settlement: Settlement): void {
    this.#completed.push({ settle, settlement });
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.flush);
  }

  /** Records the done seqs (one transaction), then settles their messages. */
  readonly flush = (): void => {
    this.#flushScheduled = false;
    const completed = this.#completed;
    this.#completed = [];
    try {
      this.#store.flush();
    } catch (error) {
      this.#deps.logger.error('recording applied uplink messages failed; a redelivery may apply them again', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    for (const { settle, settlement } of completed) {
      this.stats.acknowledgedMessages++;
      settle(settlement);
    }
    this.#checkIdle();
  };

  #malformed(edgeId: string, error: unknown): void {
    const count = ++this.stats.malformedMessages;
    if (count <= 10 || count % 1_000 === 0) {
      this.#deps.logger.error('malformed uplink message', { edgeId, error: error instanceof Error ? error.message : String(error), malformedSoFar: count });
    }
  }
}
