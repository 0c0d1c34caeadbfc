import type { PointStore, WriteReceipt } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { Uplink } from './create-uplink.ts';

/**
 * The edge's store as its pipeline sees it: a write is durable when the local store has committed
 * it AND the uplink's outbox holds it, so a source's acknowledgement (an MQTT PUBACK) means the
 * point will reach the hub. Points processors made (`isComputed`: aggregates, features, model
 * outputs) go to the outbox as class `aggregate`, which the disk budget keeps longer than `raw`.
 * Reads are the local store's.
 */
export function forwardingStore(store: PointStore, uplink: Uplink, isComputed: (tag: string) => boolean): PointStore {
  return {
    async write(batch: readonly Point[]): Promise<WriteReceipt> {
      let raw: Point[] | undefined;
      let derived: Point[] | undefined;
      for (const point of batch) {
        if (isComputed(point.tag)) (derived ??= []).push(point);
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

/** Records kept elsewhere until they are in the outbox (the alarm store's history, for one). */
export interface RecordSource<T extends { readonly id: string }> {
  unforwarded(limit: number): Promise<T[]>;
  markForwarded(ids: readonly string[]): Promise<void>;
}

/**
 * Moves records not yet forwarded into the outbox (class alarm: never evicted), then marks them
 * forwarded: one pass at a time, a second call joins the running one. A crash between the two
 * steps forwards a record twice; the hub keeps a record id once.
 */
export function recordForwarder<T extends { readonly id: string }>(
  source: RecordSource<T>,
  uplink: Uplink,
  kind: 'alarms' | 'events',
): { forward(): Promise<void>; readonly forwarded: number } {
  let running: Promise<void> | undefined;
  let forwarded = 0;
  const forward = (): Promise<void> => {
    running ??= (async () => {
      try {
        for (;;) {
          const records = await source.unforwarded(1_000);
          if (records.length === 0) return;
          await uplink.appendRecords(kind, records);
          await source.markForwarded(records.map((record) => record.id));
          forwarded += records.length;
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
