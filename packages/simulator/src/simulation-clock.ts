import type { Closeable, Logger } from '@shopfloor/engine';
import { createSilentLogger } from '@shopfloor/engine';
import { InputError } from '@shopfloor/model';
import type { Plant } from './plant-api.ts';

export interface SimulationClockOptions {
  /** Simulated ms per wall ms: 1 is real time, 1440 a simulated day per minute. */
  readonly speed: number;
  /** Wall ms between ticks; each tick advances the plant and notifies the listeners. */
  readonly tickMs: number;
  /** Simulated time of the first tick, epoch ms; default: the plant's `now`. Later than `now` fast-forwards. */
  readonly startTime?: number;
}

export interface SimulationClockDeps {
  readonly logger?: Logger;
  /** Wall clock, epoch ms (default `Date.now`); tests pass their own. */
  readonly wallNow?: () => number;
}

/** Drives a plant from wall time: start, stop, and a callback per tick with the simulated time. */
export interface SimulationClock extends Closeable {
  readonly running: boolean;
  /** Simulated time of the last tick. */
  readonly now: number;
  start(): void;
  stop(): void;
  /** Advances the plant to the simulated time that corresponds to the wall clock now, then notifies (what a timer tick does). */
  tick(): number;
  /** Called after every tick with the simulated time; returns the unsubscribe function. */
  onTick(listener: (simulatedMs: number) => void): () => void;
}

/**
 * Maps wall time to simulated time (`sim = base + (wall − wallBase) × speed`) and advances the
 * plant on a `setInterval` (unref'd, so it never keeps the process alive). Stopping freezes
 * simulated time; starting again continues from where it stood. A plant step or listener that
 * throws is logged and the clock carries on: nothing thrown escapes the timer.
 */
export function createSimulationClock(options: SimulationClockOptions, plant: Plant, deps: SimulationClockDeps = {}): SimulationClock {
  if (!Number.isFinite(options.speed) || options.speed <= 0 || options.speed > 1e7)
    throw new InputError('SF_BAD_REQUEST', `simulation clock speed: expected a number above 0 and at most 10000000, found ${options.speed}`);
  if (!Number.isInteger(options.tickMs) || options.tickMs < 1 || options.tickMs > 3_600_000)
    throw new InputError('SF_BAD_REQUEST', `simulation clock tickMs: expected an integer from 1 to 3600000, found ${options.tickMs}`);
  const startTime = options.startTime ?? plant.now;
  if (!Number.isFinite(startTime) || startTime < plant.now)
    throw new InputError(
      'SF_BAD_REQUEST',
      `simulation clock startTime: expected a time at or after the plant's ${new Date(plant.now).toISOString()}, found ${startTime}`,
    );
  const logger = deps.logger ?? createSilentLogger();
  const wallNow = deps.wallNow ?? Date.now;
  const listeners = new Set<(simulatedMs: number) => void>();
  let timer: NodeJS.Timeout | undefined;
  let simulatedBase = startTime;
  let wallBase = wallNow();
  let now = startTime;
  plant.advance(startTime);

  const tick = (): number => {
    if (timer !== undefined) now = Math.max(now, simulatedBase + (wallNow() - wallBase) * options.speed);
    // A throw here would escape the setInterval callback and end the process: log it and carry on.
    try {
      plant.advance(now);
    } catch (error) {
      logger.error('simulation clock advance failed', { error: (error as Error).message });
    }
    for (const listener of [...listeners]) {
      try {
        listener(now);
      } catch (error) {
        logger.error('simulation clock listener failed', { error: (error as Error).message });
      }
    }
    return now;
  };
  const stop = (): void => {
    if (timer === undefined) return;
    now = Math.max(now, simulatedBase + (wallNow() - wallBase) * options.speed);
    clearInterval(timer);
    timer = undefined;
  };
  return {
    get running() {
      return timer !== undefined;
    },
    get now() {
      return now;
    },
    start() {
      if (timer !== undefined) return;
      simulatedBase = now;
      wallBase = wallNow();
      timer = setInterval(tick, options.tickMs);
      timer.unref();
    },
    stop,
    tick,
    onTick(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      stop();
      listeners.clear();
      return Promise.resolve();
    },
  };
}
