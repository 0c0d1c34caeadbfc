import type { Plant } from '@shopfloor/simulator';
import type { HeldData } from './held-data.ts';
import type { MetricTable } from './metric-table.ts';
import type { PayloadMessage } from './payload-codec.ts';

/** The counters an edge node keeps, mutable inside the package. */
export interface EdgeNodeCounts {
  messagesSent: number;
  metricsSent: number;
  historicalSent: number;
  nullsSent: number;
  valuesSkipped: number;
  coalesced: number;
  births: number;
  rebirthRequests: number;
  deviceBirths: number;
  deviceDeaths: number;
  commandsApplied: number;
}

/** What the message builders need from the running edge node. */
export interface EdgeContext {
  readonly plant: Plant;
  readonly table: MetricTable;
  readonly held: HeldData;
  readonly counts: EdgeNodeCounts;
  /** Metric values sent, by tag index. */
  readonly sentByTag: Uint32Array;
  readonly metricsPerMessage: number;
  /** Publishes a Sparkplug message at QoS 0 and counts it. */
  publish(topic: string, payload: PayloadMessage): void;
  /** The next seq (after the previous message of the session; 255 wraps to 0). */
  nextSeq(): number;
}
