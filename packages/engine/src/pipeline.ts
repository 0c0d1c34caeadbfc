import type { Decoded, Point, Rejection, SourceBinding, Tag } from '@shopfloor/model';
import type { PipelineConfig } from './config.ts';
import { IngestStats } from './ingest-stats.ts';
import type { Closeable } from './ports/closeable.ts';
import type { Logger } from './ports/logger.ts';
import type { PointStore, WriteReceipt } from './ports/point-store.ts';
import type { TagDirectory } from './tag-directory.ts';
import { validatePoints } from './validate.ts';

/** What the pipeline gives a processor besides the batch: where the points it creates go. */
export interface ProcessorContext {
  /**
   * Adds a point the processor created (an aggregate, a feature, a model output). It counts as
   * derived, is validated like any point (its tag registered on first sight with source
   * `computed` and the processor's name), and goes on after the points `process` returned, through
   * the later processors to the store and observers. Call it only during `process` or `flush`.
   */
  emit(point: Point): void;
}

/**
 * A synchronous step over a batch. `process` returns the points of the batch that go on,
 * transformed or not; input points it leaves out count as filtered. Points it creates go to
 * `context.emit`, never into the returned array. `flush` is time-driven output (a window that
 * closed with no new point arriving): `Pipeline.tick(now)` calls it, and the runtime calls `tick`
 * from its timer. Neither may await or do I/O.
 */
export interface Processor {
  readonly name: string;
  process(batch: readonly Point[], context: ProcessorContext): readonly Point[];
  flush?(now: number, context: ProcessorContext): void;
}

/** Sees every batch once it is stored (live subscribers). Must not block; a throw is logged and ignored. */
export interface PointObserver {
  observe(batch: readonly Point[]): void;
}

/** Called once per submitted payload: without an error once its points are durable, with one if storing failed. */
export type Acknowledge = (error?: Error) => void;

export interface PipelineMetrics {
  commitSeconds(seconds: number, points: number): void;
}

export interface PipelineDeps {
  readonly store: PointStore;
  readonly directory: TagDirectory;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly processors?: readonly Processor[];
  readonly observers?: readonly PointObserver[];
  readonly metrics?: PipelineMetrics;
  /** Receives tags registered on first sight, once per batch that has any. */
  readonly onNewTags?: (tags: Tag[]) => void;
  /** Counters to use; a new set when absent. */
  readonly stats?: IngestStats;
}

/**
 * decode → validate → normalise → processors → sinks, batched. Sources call `submit` once per
 * payload (no promise per point); points of one event-loop turn form one batch, written to the
 * store in one call, and each payload's `acknowledge` fires after its batch is durable.
 */
export class Pipeline implements Closeable {
  readonly stats: IngestStats;
  readonly #config: PipelineConfig;
  /** Derived points are the node's own: their tags are registered whatever `unknownTags` says. */
  readonly #derivedConfig: PipelineConfig;
  readonly #deps: PipelineDeps;
  readonly #now: () => number;
  #processors: readonly Processor[];
  #batch: Point[] = [];
  #acknowledges: Acknowledge[] = [];
  #scheduled = false;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();
  #readyWaiters: (() => void)[] = [];
  readonly #rejectionLog = new Map<string, { suppressed: number; lastLogged: number }>();
  #emitted: Point[] = [];
  readonly #context: ProcessorContext = {
    emit: (point) => {
      this.#emitted.push(point);
    },
  };

  constructor(config: PipelineConfig, deps: PipelineDeps) {
    this.#config = config;
    this.#derivedConfig = { ...config, unknownTags: 'register' };
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#processors = deps.processors ?? [];
    this.stats = deps.stats ?? new IngestStats();
  }

  /** True while the number of points accepted but not yet stored is below the configured ceiling. */
  get ready(): boolean {
    return this.stats.pending < this.#config.maxPendingPoints;
  }

  /** Resolves when the pipeline is ready for more (sources that can pause await this). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /**
   * Takes one decoded payload. `acknowledge` (if given) is called once, when its points are durable.
   * `source` is recorded on tags registered on first sight.
   */
  submit(decoded: Decoded, acknowledge?: Acknowledge, source?: SourceBinding): void {
    const stats = this.stats;
    const now = this.#now();
    let rejectedCount = 0;
    for (const rejection of decoded.rejected) rejectedCount += rejection.count;
    stats.received += decoded.accepted.length + rejectedCount;
    if (this.#closed) {
      acknowledge?.(new Error('the pipeline is closing; the payload was not taken'));
      stats.failed += decoded.accepted.length;
      this.#recordRejections(decoded.rejected, now);
      return;
    }
    const before = this.#batch.length;
    const rejected = decoded.rejected.length > 0 ? decoded.rejected.slice() : [];
    try {
      validatePoints(decoded.accepted, this.#deps.directory, this.#config, now, this.#batch, rejected, source);
    } catch (error) {
      // A bug, not bad input: refuse the payload whole (counted, logged) rather than crash the node.
      this.#batch.length = before;
      rejected.length = 0;
      rejected.push(...decoded.rejected, {
        reason: 'malformed-payload',
        input: source?.address ?? decoded.accepted[0]?.tag ?? '(unknown)',
        detail: `validating the payload failed: ${error instanceof Error ? error.message : String(error)}`,
        count: decoded.accepted.length,
      });
      this.#deps.logger.error('validating a payload threw; it was refused', { error: error instanceof Error ? error.stack : String(error) });
    }
    if (rejected.length > 0) this.#recordRejections(rejected, now);
    const taken = this.#batch.length - before;
    if (taken === 0) {
      acknowledge?.();
      return;
    }
    stats.pending += taken;
    if (acknowledge !== undefined) this.#acknowledges.push(acknowledge);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  /**
   * Swaps the processor chain (a configuration pushed by the hub). Batches are processed
   * synchronously, so the swap falls between two batches: none sees half of each chain. The old
   * processors' open windows are not flushed; the caller flushes them first if it wants them.
   */
  replaceProcessors(processors: readonly Processor[]): void {
    this.#processors = processors;
  }

  get processors(): readonly Processor[] {
    return this.#processors;
  }

  /** Promise form of `submit`, for callers off the hot path (imports, tests). */
  push(decoded: Decoded): Promise<void> {
    return new Promise((resolve, reject) => this.submit(decoded, (error) => (error === undefined ? resolve() : reject(error))));
  }

  /** Resolves when everything submitted so far is stored (or has failed). */
  async drain(): Promise<void> {
    if (this.#scheduled) this.#flush();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
    for (const wake of this.#readyWaiters.splice(0)) wake();
  }

  /**
   * Time-driven output: each processor's `flush(now)` (windows that closed with no new point),
   * through the processors after it, to the store and observers as one batch. The pipeline has no
   * timer of its own: the runtime calls this from one (every second or so). Does nothing once closing.
   */
  tick(now: number = this.#now()): void {
    if (this.#closed) return;
    const processors = this.#processors;
    const out: Point[] = [];
    for (let index = 0; index < processors.length; index++) {
      const processor = processors[index] as Processor;
      if (processor.flush === undefined) continue;
      try {
        processor.flush(now, this.#context);
      } catch (error) {
        this.#emitted = [];
        this.#deps.logger.error('a processor failed to flush; its time-driven output is lost', {
          processor: processor.name,
          error: error instanceof Error ? error.stack : String(error),
        });
        continue;
      }
      const flushed = this.#takeEmitted(processor, this.#now());
      if (flushed.length === 0) continue;
      const result = this.#process(flushed, index + 1);
      if (result.error !== undefined) this.#fail(result.points.length, [], result.error);
      else for (const point of result.points) out.push(point);
    }
    this.#announceNewTags();
    if (out.length > 0) {
      this.stats.batches += 1;
      this.#write(out, []);
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const incoming = this.#batch;
    const acknowledges = this.#acknowledges;
    if (incoming.length === 0) return;
    this.#batch = [];
    this.#acknowledges = [];
    this.stats.batches += 1;
    const result = this.#process(incoming, 0);
    this.#announceNewTags();
    if (result.error !== undefined) {
      // Points a processor had already filtered stay counted as filtered; the rest failed.
      this.#fail(result.points.length, acknowledges, result.error);
      return;
    }
    this.#write(result.points, acknowledges);
  };

  /**
   * Runs `batch` through the processors from index `from` on, counting what each filters and
   * derives (pending moves with them). On a throw, `points` is what the throwing processor was given.
   */
  #process(batch: readonly Point[], from: number): { points: readonly Point[]; error?: unknown } {
    const processors = this.#processors;
    const stats = this.stats;
    let points = batch;
    for (let index = from; index < processors.length; index++) {
      const processor = processors[index] as Processor;
      let out: readonly Point[];
      try {
        out = processor.process(points, this.#context);
      } catch (error) {
        this.#emitted = [];
        return { points, error };
      }
      // More out than in breaks the contract (new points go to emit); they are counted as derived all the same.
      if (out.length < points.length) stats.filtered += points.length - out.length;
      else if (out.length > points.length) stats.derived += out.length - points.length;
      stats.pending += out.length - points.length;
      if (this.#emitted.length > 0) {
        const derived = this.#takeEmitted(processor, this.#now());
        if (derived.length > 0) out = out.length === 0 ? derived : out.concat(derived);
      }
      points = out;
    }
    // Filtering lowered pending: wake sources waiting for room.
    if (points.length < batch.length) this.#release(0);
    return { points };
  }

  /** Validates the points a processor emitted (all counted as derived, refusals as rejected); returns those accepted. */
  #takeEmitted(processor: Processor, now: number): Point[] {
    const emitted = this.#emitted;
    if (emitted.length === 0) return emitted;
    this.#emitted = [];
    this.stats.derived += emitted.length;
    const accepted: Point[] = [];
    const rejected: Rejection[] = [];
    validatePoints(emitted, this.#deps.directory, this.#derivedConfig, now, accepted, rejected, { protocol: 'computed', address: processor.name });
    if (rejected.length > 0) this.#recordRejections(rejected, now);
    this.stats.pending += accepted.length;
    return accepted;
  }

  #announceNewTags(): void {
    const newTags = this.#deps.directory.takeNewTags();
    if (newTags.length > 0) this.#deps.onNewTags?.(newTags);
  }

  /** Hands processed points to the store; acknowledges once they are durable, then shows them to observers. */
  #write(written: readonly Point[], acknowledges: readonly Acknowledge[]): void {
    const deps = this.#deps;
    const stats = this.stats;
    const started = performance.now();
    const write: Promise<WriteReceipt> = written.length > 0 ? deps.store.write(written) : Promise.resolve({ stored: 0, rejected: [] });
    const settled = write.then(
      (receipt) => {
        // The store refuses single points it cannot hold (a tag's kind changed); the rest are durable.
        let stored = written;
        if (receipt.rejected.length > 0) {
          const refused = new Set(receipt.rejected.map((rejection) => `${rejection.ts}\u0000${rejection.tag}`));
          stored = written.filter((point) => !refused.has(`${point.ts}\u0000${point.tag}`));
          this.#recordRejections(
            receipt.rejected.map((rejection) => ({ reason: rejection.reason, input: rejection.tag, detail: rejection.detail, count: 1 })),
            this.#now(),
          );
        }
        stats.stored += written.length - receipt.rejected.length;
        this.#release(written.length);
        for (const acknowledge of acknowledges) acknowledge();
        deps.metrics?.commitSeconds((performance.now() - started) / 1000, written.length);
        for (const observer of deps.observers ?? []) {
          try {
            observer.observe(stored);
          } catch (error) {
            deps.logger.warn('a live observer failed; it missed a batch', { error: error instanceof Error ? error.message : String(error) });
          }
        }
      },
      (error: unknown) => this.#fail(written.length, acknowledges, error),
    );
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
  }

  /** Points that could not be processed or stored: their sources are told (and not acknowledged), the points counted as failed. */
  #fail(failedPoints: number, acknowledges: readonly Acknowledge[], error: unknown): void {
    this.stats.failed += failedPoints;
    this.stats.lastFailureAt = this.#now();
    this.#release(failedPoints);
    const failure = error instanceof Error ? error : new Error(String(error));
    this.#deps.logger.error('storing a batch failed; its sources are not acknowledged', { points: failedPoints, error: failure.message });
    for (const acknowledge of acknowledges) acknowledge(failure);
  }

  #release(points: number): void {
    this.stats.pending -= points;
    if (this.ready && this.#readyWaiters.length > 0) for (const wake of this.#readyWaiters.splice(0)) wake();
  }

  #recordRejections(rejections: readonly Rejection[], now: number): void {
    this.stats.recordRejections(rejections, now);
    // Bad points are counters; the log gets the first of each reason and then a summary at most every 10 s.
    for (const rejection of rejections) {
      const entry = this.#rejectionLog.get(rejection.reason);
      if (entry === undefined || now - entry.lastLogged >= 10_000) {
        this.#deps.logger.warn('points rejected', {
          reason: rejection.reason,
          input: rejection.input,
          detail: rejection.detail,
          ...(entry !== undefined && entry.suppressed > 0 ? { sameReasonSinceLastLog: entry.suppressed } : {}),
        });
        this.#rejectionLog.set(rejection.reason, { suppressed: 0, lastLogged: now });
      } else {
        entry.suppressed += rejection.count;
      }
    }
  }
}
