import type { Processor, ProcessorContext } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import type { AggregateFunction } from './config.ts';
import type { TagMatcher } from './tag-matcher.ts';

export interface AggregateOptions {
  readonly windowMs: number;
  readonly functions: readonly AggregateFunction[];
  readonly keepRaw: boolean;
  readonly graceMs: number;
}

/** A tag's current window. */
interface TagWindow {
  /** Output tag per function, in `functions` order. */
  readonly names: readonly string[];
  /** Start of the window (epoch ms, a multiple of windowMs); after a close, of the closed one. */
  start: number;
  open: boolean;
  count: number;
  min: number;
  max: number;
  sum: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  uncertain: boolean;
}

/** `1s`, `1m`, `15m`, `1h`, `1d`, `250ms`: the window part of an aggregate's tag name. */
export function windowLabel(windowMs: number): string {
  if (windowMs % 86_400_000 === 0) return `${windowMs / 86_400_000}d`;
  if (windowMs % 3_600_000 === 0) return `${windowMs / 3_600_000}h`;
  if (windowMs % 60_000 === 0) return `${windowMs / 60_000}m`;
  if (windowMs % 1_000 === 0) return `${windowMs / 1_000}s`;
  return `${windowMs}ms`;
}

/**
 * Tumbling windows per tag, aligned to the epoch (`[k·windowMs, (k+1)·windowMs)`). Numeric points
 * of good or uncertain quality are aggregated; a window closes on its tag's first point at or past
 * its end, or on `flush(now)` once `now` is `graceMs` past its end, and emits one derived point per
 * function: tag `<tag>.<function>_<window>` (`line1/temp.avg_1m`), time = the window's start,
 * quality uncertain if an uncertain point went in, else good. Raw points go on too unless
 * `keepRaw` is false, in which case the aggregated ones are filtered; points that were not
 * aggregated (strings, booleans, bad quality, late points older than the tag's open window or of a
 * window already emitted) always go on, so nothing disappears unrepresented.
 */
export class Aggregate implements Processor {
  readonly name: string;
  readonly #matcher: TagMatcher;
  readonly #windowMs: number;
  readonly #functions: readonly AggregateFunction[];
  readonly #suffixes: readonly string[];
  readonly #keepRaw: boolean;
  readonly #graceMs: number;
  readonly #windows = new Map<string, TagWindow>();
  /** No open window is due for a flush before this time. */
  #nextDue = Number.POSITIVE_INFINITY;
  /** Points that arrived for a window already emitted or older than their tag's open one. */
  late = 0;

  constructor(name: string, matcher: TagMatcher, options: AggregateOptions) {
    this.name = name;
    this.#matcher = matcher;
    this.#windowMs = options.windowMs;
    this.#functions = options.functions;
    const label = windowLabel(options.windowMs);
    this.#suffixes = options.functions.map((fn) => `.${fn}_${label}`);
    this.#keepRaw = options.keepRaw;
    this.#graceMs = options.graceMs;
  }

  process(batch: readonly Point[], context: ProcessorContext): readonly Point[] {
    let out: Point[] | undefined;
    for (let index = 0; index < batch.length; index++) {
      const point = batch[index] as Point;
      const aggregated = this.#matcher.matches(point.tag) && this.#add(point, context);
      if (!aggregated || this.#keepRaw) out?.push(point);
      else out ??= batch.slice(0, index);
    }
    return out ?? batch;
  }

  flush(now: number, context: ProcessorContext): void {
    if (now < this.#nextDue) return;
    let nextDue = Number.POSITIVE_INFINITY;
    const lag = this.#windowMs + this.#graceMs;
    for (const window of this.#windows.values()) {
      if (!window.open) continue;
      if (now >= window.start + lag) this.#close(window, context);
      else if (window.start + lag < nextDue) nextDue = window.start + lag;
    }
    this.#nextDue = nextDue;
  }

  /** Adds a point to its tag's window; false when it was not aggregated. */
  #add(point: Point, context: ProcessorContext): boolean {
    const value = point.value;
    if (typeof value !== 'number' || point.quality === 'bad') return false;
    const ts = point.ts;
    const windowMs = this.#windowMs;
    let window = this.#windows.get(point.tag);
    if (window === undefined) {
      window = this.#newWindow(point.tag);
      this.#windows.set(point.tag, window);
    } else if (ts < window.start || (!window.open && ts < window.start + windowMs)) {
      this.late++;
      return false;
    } else if (window.open && ts >= window.start + windowMs) {
      this.#close(window, context);
    }
    if (!window.open) {
      window.start = ts - (((ts % windowMs) + windowMs) % windowMs);
      window.open = true;
      window.count = 0;
      window.sum = 0;
      window.min = value;
      window.max = value;
      window.first = value;
      window.firstTs = ts;
      window.last = value;
      window.lastTs = ts;
      window.uncertain = false;
      const due = window.start + windowMs + this.#graceMs;
      if (due < this.#nextDue) this.#nextDue = due;
    }
    window.count++;
    window.sum += value;
    if (value < window.min) window.min = value;
    if (value > window.max) window.max = value;
    if (ts < window.firstTs) {
      window.first = value;
      window.firstTs = ts;
    }
    if (ts >= window.lastTs) {
      window.last = value;
      window.lastTs = ts;
    }
    if (point.quality === 'uncertain') window.uncertain = true;
    return true;
  }

  #newWindow(tag: string): TagWindow {
    return {
      names: this.#suffixes.map((suffix) => tag + suffix),
      start: 0,
      open: false,
      count: 0,
      min: 0,
      max: 0,
      sum: 0,
      first: 0,
      firstTs: 0,
      last: 0,
      lastTs: 0,
      uncertain: false,
    };
  }

  #close(window: TagWindow, context: ProcessorContext): void {
    window.open = false;
    const quality = window.uncertain ? 'uncertain' : 'good';
    const functions = this.#functions;
    for (let index = 0; index < functions.length; index++) {
      context.emit({ tag: window.names[index] as string, ts: window.start, value: this.#value(window, functions[index] as AggregateFunction), quality });
    }
  }

  #value(window: TagWindow, fn: AggregateFunction): number {
    switch (fn) {
      case 'min':
        return window.min;
      case 'max':
        return window.max;
      case 'avg':
        return window.sum / window.count;
      case 'count':
        return window.count;
      case 'sum':
        return window.sum;
      case 'first':
        return window.first;
      case 'last':
        return window.last;
    }
  }
}
