/** Messages between the edge's main thread (`createUplink`) and the uplink worker thread. */
import type { LogMeta } from '@shopfloor/engine';
import type { UplinkConfig } from '../config.ts';
import type { DropCount } from '../outbox/outbox-schema.ts';
import type { UplinkClass } from '../wire/message.ts';
import type { PointColumns } from '../wire/point-columns.ts';
import type { ControlReply, ControlRequest } from './edge-transport.ts';

/** What `Uplink.stats()` reports. */
export interface UplinkStats {
  readonly connected: boolean;
  /** Connection attempts after the first (successful or not). */
  readonly reconnectAttempts: number;
  /** Connections made after the first one. */
  readonly reconnects: number;
  /** Everything in the outbox: entries not yet acknowledged and appended data not yet packed. */
  readonly backlog: {
    readonly entries: number;
    readonly points: number;
    readonly records: number;
    readonly bytes: number;
    /** Epoch ms of the oldest unacknowledged data; undefined when the outbox is empty. */
    readonly oldestCreated: number | undefined;
  };
  readonly inFlight: number;
  readonly sentMessages: number;
  readonly resentMessages: number;
  readonly ackedMessages: number;
  readonly ackedPoints: number;
  /** Message bytes and points published (resends included). */
  readonly wireBytes: number;
  readonly wirePoints: number;
  /** Dropped by the disk budget, per class, since the outbox was created. */
  readonly dropped: Readonly<Record<UplinkClass, DropCount>>;
}

export interface WorkerOptions {
  readonly config: UplinkConfig;
  readonly edgeId: string;
  readonly file: string;
}

export type WireGroup =
  | { readonly kind: 'points'; readonly klass: UplinkClass; readonly created: number; readonly columns: Omit<PointColumns, 'tags'> }
  | { readonly kind: 'alarms' | 'events'; readonly klass: UplinkClass; readonly created: number; readonly records: readonly unknown[] };

export type ToWorker =
  | { readonly type: 'append'; readonly id: number; readonly groups: readonly WireGroup[]; readonly newTags: readonly string[] }
  | { readonly type: 'status'; readonly id: number; readonly record: unknown }
  | { readonly type: 'control-reply'; readonly id: number; readonly control: number; readonly reply: ControlReply }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'close'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready'; readonly stats: UplinkStats; readonly stream: string }
  | { readonly type: 'open-failed'; readonly message: string }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly message: string }
  | { readonly type: 'stats'; readonly stats: UplinkStats }
  | { readonly type: 'control'; readonly id: number; readonly request: ControlRequest }
  | { readonly type: 'log'; readonly level: 'error' | 'warn' | 'info' | 'debug'; readonly message: string; readonly meta: LogMeta };
