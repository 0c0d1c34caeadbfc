/**
 * The edge's store and alarm forwarding as `shopfloor edge` builds them (runtime's
 * `edge/forwarding-store.ts` and `edge/node-parts.ts`, which runtime does not export), for the
 * in-process benchmarks that need an edge's data path with forwarding running.
 */
import type { PointStore, TagDirectory, WriteReceipt } from '@shopfloor/engine';
import type { AlarmEvent, Point } from '@shopfloor/model';
import type { SqliteAlarmStore } from '@shopfloor/store-sqlite';
import type { Uplink } from '@shopfloor/uplink';

/**
 * A write is durable when the local store has committed it AND the uplink's outbox holds it;
 * points made by processors go to the outbox as class `aggregate`. Reads are the local store's.
 */
export function forwardingStore(store: PointStore, uplink: Uplink, directory: TagDirectory): PointStore {
  return {
    async write(batch: readonly Point[]): Promise<WriteReceipt> {
      let raw: Point[] | undefined;
      let derived: Point[] | undefined;
      for (const point of batch) {
        if (directory.isComputed(point.tag)) (derived ??= []).push(point);
        else (raw ??= []).push(point);
      }
      const [receipt] = await Promise.all([
        store.write(batch),
        raw === undefined ? undefined : uplink.appendPoints(raw, 'raw'),
        derived === undefined ? undefined : uplink.appendPoints(derived, 'aggregate'),
      ]);
      return receipt;
    },
    latest: (tags) => store.latest(tags),
    range: (tag, window, options) => store.range(tag, window, options),
    downsample: (tag, window, buckets) => store.downsample(tag, window, buckets),
    aggregate: (tag, window, windowMs) => store.aggregate(tag, window, windowMs),
    tags: () => store.tags(),
    close: () => store.close(),
  };
}

/**
 * Alarm events not yet in the outbox go there (class alarm) and are marked forwarded, one pass at a
 * time; call it after every event (on setImmediate) as the edge does. `forwarded` counts the events.
 */
export function alarmForwarder(alarmStore: SqliteAlarmStore, uplink: Uplink): { forward(): Promise<void>; readonly forwarded: number } {
  let running: Promise<void> | undefined;
  let forwarded = 0;
  const forward = (): Promise<void> => {
    running ??= (async () => {
      try {
        for (;;) {
          const events: AlarmEvent[] = await alarmStore.unforwarded(1_000);
          if (events.length === 0) return;
          await uplink.appendRecords('alarms', events);
          await alarmStore.markForwarded(events.map((event) => event.id));
          forwarded += events.length;
        }
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return {
    forward,
    get forwarded() {
      return forwarded;
    },
  };
}
