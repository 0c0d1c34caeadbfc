import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import { rejectReasons } from '@shopfloor/model';
import type { IngestStats, PipelineMetrics } from '@shopfloor/engine';
import type { LiveHub } from './live-hub.ts';

export interface NodeMetrics extends PipelineMetrics {
  readonly registry: PromRegistry;
  /** Call once a second or so: refreshes the ingest rate gauge. */
  sample(now: number): void;
}

/** Prometheus metrics of a node. docs/metrics.md lists every name. */
export function createNodeMetrics(stats: IngestStats, live: LiveHub): NodeMetrics {
  const registry = new PromRegistry();
  collectDefaultMetrics({ register: registry, prefix: 'shopfloor_process_' });
  const mirror = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  mirror('shopfloor_points_received_total', 'Points that reached the pipeline (accepted + rejected).', () => stats.received);
  mirror('shopfloor_points_stored_total', 'Points durably stored.', () => stats.stored);
  mirror('shopfloor_points_filtered_total', 'Points dropped by processors (deadband, rate limits).', () => stats.filtered);
  mirror('shopfloor_points_derived_total', 'Points created by processors (window aggregates, edge model outputs).', () => stats.derived);
  mirror('shopfloor_points_failed_total', 'Points whose storage failed (their sources were not acknowledged).', () => stats.failed);
  mirror('shopfloor_batches_total', 'Batches written to the store.', () => stats.batches);
  mirror('shopfloor_live_points_dropped_total', 'Points not sent to live subscribers that could not keep up.', () => live.dropped);
  new Counter({
    name: 'shopfloor_points_rejected_total',
    help: 'Points refused, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const reason of rejectReasons) this.inc({ reason }, stats.rejected[reason]);
    },
  });
  new Gauge({
    name: 'shopfloor_points_pending',
    help: 'Points accepted and not yet stored.',
    registers: [registry],
    collect() {
      this.set(stats.pending);
    },
  });
  new Gauge({
    name: 'shopfloor_live_subscribers',
    help: 'Open live (WebSocket) subscriptions.',
    registers: [registry],
    collect() {
      this.set(live.subscribers);
    },
  });
  const rate = new Gauge({ name: 'shopfloor_ingest_points_per_second', help: 'Points stored per second over the last 5 s.', registers: [registry] });
  const commit = new Histogram({
    name: 'shopfloor_commit_seconds',
    help: 'Time from handing a batch to the store until it was durable.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'shopfloor_batch_points',
    help: 'Points per stored batch.',
    buckets: [1, 10, 100, 1_000, 10_000, 100_000],
    registers: [registry],
  });
  const samples: { at: number; stored: number }[] = [];
  return {
    registry,
    commitSeconds(seconds, points) {
      commit.observe(seconds);
      batchSize.observe(points);
    },
    sample(now) {
      samples.push({ at: now, stored: stats.stored });
      while (samples.length > 2 && (samples[0] as { at: number }).at < now - 5_000) samples.shift();
      const first = samples[0] as { at: number; stored: number };
      const elapsed = (now - first.at) / 1000;
      rate.set(elapsed > 0 ? (stats.stored - first.stored) / elapsed : 0);
    },
  };
}
