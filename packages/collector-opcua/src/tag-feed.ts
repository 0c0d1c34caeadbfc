import type { Pipeline } from '@shopfloor/engine';
import type { Point, TagPath } from '@shopfloor/model';
import type { DataValue, NotificationMessage } from 'node-opcua-client';
import { placeholderOf } from './data-value.ts';
import { dataChangePoint, notificationPoints, type LastSeen, type NotificationPoints } from './notification-points.ts';
import type { Binding } from './resolve-bindings.ts';

/** Notifications kept while their monitored item's handle is not known yet (bounded). */
const maxEarly = 100_000;

/**
 * Turns one server's notification messages into pipeline submits, one per message, and marks its
 * tags bad. Keeps what outlives a session: each tag's last value and whether the pipeline has
 * seen the tag.
 */
export class TagFeed {
  /** Epoch ms of the last message that delivered a good value. */
  lastGoodReadAt: number | undefined;
  readonly #endpointUrl: string;
  readonly #pipeline: Pipeline;
  readonly #now: () => number;
  #byHandle = new Map<number, Binding>();
  #early: { clientHandle: number; value: DataValue }[] = [];
  readonly #lastSeen = new Map<TagPath, LastSeen>();
  readonly #announced = new Set<TagPath>();

  constructor(endpointUrl: string, pipeline: Pipeline, now: () => number) {
    this.#endpointUrl = endpointUrl;
    this.#pipeline = pipeline;
    this.#now = now;
  }

  /** A new subscription: returns the map its monitored items are to be put in, by client handle, as they are created. */
  reset(): Map<number, Binding> {
    this.#byHandle = new Map();
    this.#early = [];
    return this.#byHandle;
  }

  notification(message: NotificationMessage): void {
    if ((message.notificationData?.length ?? 0) === 0) return; // a keep-alive
    const out = notificationPoints(message, this.#byHandle, this.#lastSeen, this.#now());
    for (const early of out.unmatched) if (this.#early.length < maxEarly) this.#early.push(early);
    this.#submit(out);
  }

  /** Submits notifications that arrived before their item's CreateMonitoredItems response was handled. */
  matchEarly(): void {
    if (this.#early.length === 0) return;
    const waiting = this.#early;
    this.#early = [];
    const out: NotificationPoints = { points: [], rejected: [], unmatched: [] };
    const now = this.#now();
    for (const item of waiting) {
      const binding = this.#byHandle.get(item.clientHandle);
      if (binding === undefined) this.#early.push(item);
      else dataChangePoint(binding, item.value, this.#lastSeen, now, out);
    }
    this.#submit(out);
  }

  /** Submits every tag once with quality bad: its last value (0, false or '' if none), at now or just after its last point. */
  markBad(bindings: readonly Binding[]): void {
    const now = this.#now();
    const points: Point[] = [];
    for (const binding of bindings) {
      const last = this.#lastSeen.get(binding.tag);
      const value = last?.value ?? placeholderOf(binding.kind);
      if (value === undefined) continue;
      points.push({ tag: binding.tag, ts: Math.max(now, (last?.ts ?? 0) + 1), value, quality: 'bad' });
    }
    if (points.length > 0) this.#pipeline.submit({ accepted: points, rejected: [] }, undefined, { protocol: 'opc-ua', address: this.#endpointUrl });
  }

  /**
   * One submit per notification message. A tag seen for the first time goes alone, so the tag is
   * registered with its own source address (`<endpoint>#<nodeId>`).
   */
  #submit(out: NotificationPoints): void {
    if (out.points.length === 0 && out.rejected.length === 0) return;
    const known: Point[] = [];
    let nodeIdOfKnown = '';
    let good = false;
    for (const { point, binding } of out.points) {
      if (point.quality === 'good') good = true;
      if (this.#announced.has(point.tag)) {
        known.push(point);
        nodeIdOfKnown = binding.nodeId.toString();
        continue;
      }
      this.#announced.add(point.tag);
      this.#pipeline.submit({ accepted: [point], rejected: [] }, undefined, {
        protocol: 'opc-ua',
        address: `${this.#endpointUrl}#${binding.nodeId.toString()}`,
      });
    }
    if (good) this.lastGoodReadAt = this.#now();
    if (known.length === 0 && out.rejected.length === 0) return;
    const address = known.length === 1 ? `${this.#endpointUrl}#${nodeIdOfKnown}` : this.#endpointUrl;
    this.#pipeline.submit({ accepted: known, rejected: out.rejected }, undefined, { protocol: 'opc-ua', address });
  }
}
