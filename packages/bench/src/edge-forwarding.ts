/**
 * The edge's store and alarm forwarding as `shopfloor edge` builds them, for the in-process
 * benchmarks that need an edge's data path with forwarding running.
 */
import type { PointStore, TagDirectory } from '@shopfloor/engine';
import type { AlarmEvent } from '@shopfloor/model';
import type { SqliteAlarmStore } from '@shopfloor/store-sqlite';
import { forwardingStore as uplinkForwardingStore, recordForwarder, type Uplink } from '@shopfloor/uplink';

/** The local store plus the outbox; points of computed tags go as class `aggregate`. */
export function forwardingStore(store: PointStore, uplink: Uplink, directory: TagDirectory): PointStore {
  return uplinkForwardingStore(store, uplink, (tag) => directory.isComputed(tag));
}

/** Alarm events not yet in the outbox go there and are marked forwarded; `forwarded` counts them. */
export function alarmForwarder(alarmStore: SqliteAlarmStore, uplink: Uplink): { forward(): Promise<void>; readonly forwarded: number } {
  return recordForwarder<AlarmEvent>(alarmStore, uplink, 'alarms');
}
