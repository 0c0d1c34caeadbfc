import type { Processor } from '@shopfloor/engine';
import type { Point, PointValue, Quality } from '@shopfloor/model';
import type { TagMatcher } from './tag-matcher.ts';

export interface DeadbandOptions {
  /** Smallest change reported; 0 reports every change. */
  readonly band: number;
  readonly mode: 'absolute' | 'percent';
  /** A point this long after the last reported one goes on even inside the band; 0: no heartbeat. */
  readonly maxSilenceMs: number;
}

interface Reported {
  value: PointValue;
  quality: Quality;
  ts: number;
}

/**
 * Report by exception. A point of a matching tag goes on when it is the tag's first, when its value
 * moved more than the band from the last reported value (numbers; in % of that value in percent
 * mode) or changed at all (booleans, strings, a change of type), when its quality changed, or when
 * `maxSilenceMs` passed since the last reported point. A point not newer than the last reported one
 * (a redelivery, historical data) goes on untouched and changes nothing.
 */
export class Deadband implements Processor {
  readonly name: string;
  readonly #matcher: TagMatcher;
  readonly #band: number;
  readonly #percent: boolean;
  readonly #maxSilenceMs: number;
  readonly #reported = new Map<string, Reported>();

  constructor(name: string, matcher: TagMatcher, options: DeadbandOptions) {
    this.name = name;
    this.#matcher = matcher;
    this.#band = options.band;
    this.#percent = options.mode === 'percent';
    this.#maxSilenceMs = options.maxSilenceMs;
  }

  process(batch: readonly Point[]): readonly Point[] {
    let out: Point[] | undefined;
    for (let index = 0; index < batch.length; index++) {
      const point = batch[index] as Point;
      if (!this.#matcher.matches(point.tag) || this.#reports(point)) out?.push(point);
      else out ??= batch.slice(0, index);
    }
    return out ?? batch;
  }

  #reports(point: Point): boolean {
    const last = this.#reported.get(point.tag);
    if (last === undefined) {
      this.#reported.set(point.tag, { value: point.value, quality: point.quality, ts: point.ts });
      return true;
    }
    if (point.ts <= last.ts) return true;
    if (point.quality === last.quality && !this.#moved(last.value, point.value) && (this.#maxSilenceMs === 0 || point.ts - last.ts < this.#maxSilenceMs))
      return false;
    last.value = point.value;
    last.quality = point.quality;
    last.ts = point.ts;
    return true;
  }

  #moved(last: PointValue, value: PointValue): boolean {
    if (typeof last !== 'number' || typeof value !== 'number') return last !== value;
    const change = value > last ? value - last : last - value;
    return change > (this.#percent ? (this.#band / 100) * (last < 0 ? -last : last) : this.#band);
  }
}
