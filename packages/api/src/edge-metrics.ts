import { Counter, Gauge } from 'prom-client';
import type { CollectorHealth } from '@shopfloor/engine';
import type { NodeMetrics } from './metrics.ts';

/** What the edge side of a node reports to its metrics (read at each scrape). */
export interface EdgeMetricsSnapshot {
  readonly uplink?: {
    readonly connected: boolean;
    readonly reconnects: number;
    readonly backlog: { readonly entries: number; readonly points: number; readonly bytes: number; readonly oldestCreated: number | undefined };
    readonly ackedPoints: number;
    readonly wireBytes: number;
    readonly wirePoints: number;
    readonly dropped: Readonly<Record<string, { readonly points: number }>>;
  };
  readonly collectors: readonly CollectorHealth[];
  readonly activeAlarms: number;
}

/**
 * The edge's series: the uplink's backlog (size and age), drops by the disk budget, link state,
 * collectors' device health, active alarms. A node without an uplink or collectors reports zeros.
 */
export function registerEdgeMetrics(metrics: NodeMetrics, read: () => EdgeMetricsSnapshot, now: () => number = Date.now): void {
  const registers = [metrics.registry];
  const gauge = (name: string, help: string, value: (snapshot: EdgeMetricsSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value(read()));
      },
    });
  const counter = (name: string, help: string, value: (snapshot: EdgeMetricsSnapshot) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(value(read()));
      },
    });
  gauge('shopfloor_uplink_connected', 'Whether the uplink to the hub is connected (1) or not (0).', (s) => (s.uplink?.connected === true ? 1 : 0));
  gauge('shopfloor_uplink_backlog_points', 'Points in the outbox not yet acknowledged by the hub.', (s) => s.uplink?.backlog.points ?? 0);
  gauge('shopfloor_uplink_backlog_bytes', 'Bytes in the outbox not yet acknowledged by the hub.', (s) => s.uplink?.backlog.bytes ?? 0);
  gauge('shopfloor_uplink_backlog_age_seconds', 'Age of the oldest unacknowledged data in the outbox (0 when it is empty).', (s) => {
    const oldest = s.uplink?.backlog.oldestCreated;
    return oldest === undefined ? 0 : Math.max(0, (now() - oldest) / 1_000);
  });
  counter('shopfloor_uplink_reconnects_total', 'Connections to the hub made after the first one.', (s) => s.uplink?.reconnects ?? 0);
  counter('shopfloor_uplink_acked_points_total', 'Points the hub acknowledged.', (s) => s.uplink?.ackedPoints ?? 0);
  counter('shopfloor_uplink_wire_bytes_total', 'Message bytes published to the hub (compressed, resends included).', (s) => s.uplink?.wireBytes ?? 0);
  counter('shopfloor_uplink_wire_points_total', 'Points published to the hub (resends included).', (s) => s.uplink?.wirePoints ?? 0);
  new Counter({
    name: 'shopfloor_uplink_dropped_points_total',
    help: 'Points the outbox dropped to stay within its disk budget, by class (raw goes first, then aggregate).',
    labelNames: ['class'],
    registers,
    collect() {
      this.reset();
      for (const [klass, count] of Object.entries(read().uplink?.dropped ?? {})) this.inc({ class: klass }, count.points);
    },
  });
  new Gauge({
    name: 'shopfloor_collector_devices_connected',
    help: 'Devices of each collector that are connected, by collector and kind.',
    labelNames: ['collector', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const collector of read().collectors)
        this.set({ collector: collector.id, kind: collector.kind }, collector.devices.filter((device) => device.connected).length);
    },
  });
  new Counter({
    name: 'shopfloor_collector_errors_total',
    help: 'Failed reads and requests of each collector.',
    labelNames: ['collector', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const collector of read().collectors) this.inc({ collector: collector.id, kind: collector.kind }, collector.errors);
    },
  });
  gauge('shopfloor_alarms_active', 'Alarms not in the normal state (active, unacknowledged, shelved, ...).', (s) => s.activeAlarms);
}
