import type { Logger } from '@shopfloor/engine';
import type { PointValue, TagPath } from '@shopfloor/model';

export interface LastValue {
  readonly value: PointValue;
  readonly ts: number;
}

/** A metric as its BIRTH declared it, with the newest value the host has seen. */
export interface MetricEntry {
  readonly name: string;
  readonly tag: TagPath;
  /** The Sparkplug datatype code from the BIRTH; DATA messages are decoded with it. */
  readonly datatype: number;
  /** False for `bdSeq`, `Node Control/*` and `Properties/*`: known, never emitted as points. */
  readonly emits: boolean;
  last: LastValue | undefined;
}

/** The metrics of one BIRTH, by alias and by name (both point at the same entries). */
export interface MetricTable {
  readonly byAlias: Map<number, MetricEntry>;
  readonly byName: Map<string, MetricEntry>;
}

export interface DeviceSession {
  readonly device: string;
  /** True between a DBIRTH and the DDEATH (or the edge node's NDEATH or next NBIRTH). */
  online: boolean;
  readonly metrics: MetricTable;
}

/** What the host knows of one edge node; created by its first NBIRTH (no other message creates one). */
export interface EdgeNodeSession {
  readonly group: string;
  readonly edgeNode: string;
  /** `[<tagPrefix>/]<group>/<edgeNode>` with unsafe characters replaced. */
  readonly tagBase: string;
  readonly logger: Logger;
  /** True between an NBIRTH and the NDEATH with its bdSeq. */
  online: boolean;
  bdSeq: number | undefined;
  /** The seq of the last message from the edge node (NBIRTH, DBIRTH, NDATA, DDATA, DDEATH). */
  lastSeq: number | undefined;
  seqGaps: number;
  metrics: MetricTable;
  readonly devices: Map<string, DeviceSession>;
  rebirthPending: boolean;
  lastRebirthAt: number | undefined;
  rebirthsRequested: number;
}

export function emptyMetricTable(): MetricTable {
  return { byAlias: new Map(), byName: new Map() };
}
