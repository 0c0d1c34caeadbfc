import type { AlarmEvent, AlarmHistoryQuery, AlarmRecord, AlarmSnapshot } from '@shopfloor/model';

/**
 * Where the alarm engine keeps alarm state across restarts: the current record of every alarm and
 * the append-only history of transitions. `append` writes events and records together (one
 * transaction); the engine calls it off the hot path, batched, one call in flight at a time.
 */
export interface AlarmStore {
  load(): Promise<AlarmSnapshot>;
  append(events: readonly AlarmEvent[], records: readonly AlarmRecord[]): Promise<void>;
}

/** Reads of the alarm history (for the API). */
export interface AlarmHistory {
  history(query: AlarmHistoryQuery): Promise<AlarmEvent[]>;
}

/** The history as an outbox for the uplink: events not yet forwarded to the hub, oldest first. */
export interface AlarmOutbox {
  unforwarded(limit: number): Promise<AlarmEvent[]>;
  markForwarded(ids: readonly string[]): Promise<void>;
}

/** An AlarmStore in memory (tests, replays): keeps everything it is given. */
export class MemoryAlarmStore implements AlarmStore, AlarmHistory {
  readonly events: AlarmEvent[] = [];
  readonly records = new Map<string, AlarmRecord>();

  async load(): Promise<AlarmSnapshot> {
    return { records: [...this.records.values()], lastSeq: this.events.reduce((highest, event) => Math.max(highest, event.seq), 0) };
  }

  async append(events: readonly AlarmEvent[], records: readonly AlarmRecord[]): Promise<void> {
    this.events.push(...events);
    for (const record of records) this.records.set(`${record.alarm.rule}\n${record.alarm.tag}`, record);
  }

  async history(query: AlarmHistoryQuery): Promise<AlarmEvent[]> {
    const matching = this.events.filter(
      (event) =>
        (query.from === undefined || event.ts >= query.from) &&
        (query.to === undefined || event.ts < query.to) &&
        (query.tag === undefined || event.alarm.tag === query.tag) &&
        (query.tagPrefix === undefined || event.alarm.tag.startsWith(query.tagPrefix)) &&
        (query.rule === undefined || event.alarm.rule === query.rule) &&
        (query.state === undefined || event.to === query.state),
    );
    return matching.sort((a, b) => a.ts - b.ts || a.seq - b.seq).slice(0, query.limit ?? 10_000);
  }
}
