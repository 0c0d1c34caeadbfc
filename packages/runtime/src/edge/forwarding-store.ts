import type { PointStore, TagDirectory, WriteReceipt } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { Uplink } from '@shopfloor/uplink';

/**
 * The edge's store as the pipeline sees it: a write is durable when the local store has committed
 * it AND the uplink's outbox holds it, so a source's acknowledgement (an MQTT PUBACK) means the
 * point will reach the hub. Points made by processors (aggregates, features, model outputs) go to
 * the outbox as class `aggregate`, which the disk budget keeps longer than raw points.
 * Reads are the local store's.
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
