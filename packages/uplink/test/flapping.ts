/** A seeded flapping link: cut and restored at random intervals, and the most reconnect attempts back-off allows. */
import type { FaultMode, FaultProxy } from '@shopfloor/testkit';
import { expect } from 'vitest';
import type { UplinkConfig } from '../src/index.ts';
import { report } from './harness.ts';
import type { Rig } from './rig.ts';

/** mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Outage {
  readonly at: number;
  readonly downMs: number;
  readonly mode: FaultMode;
}

/** Outages of 200–1,500 ms separated by 300–2,000 ms of link, within `durationMs`. */
export function flappingSchedule(seed: number, durationMs: number): Outage[] {
  const random = seededRandom(seed);
  const outages: Outage[] = [];
  let at = 500 + random() * 1_000;
  while (at < durationMs - 1_000) {
    const downMs = 200 + random() * 1_300;
    outages.push({ at, downMs, mode: random() < 0.7 ? 'reset' : 'blackhole' });
    at += downMs + 300 + random() * 1_700;
  }
  return outages;
}

/**
 * The most connection attempts the back-off allows over the schedule: per outage, every delay at its
 * shortest (full jitter taken off) from a reset back-off, plus the attempt that reconnects, plus
 * detection of a blackhole (its attempts hang for the connect timeout instead).
 */
export function reconnectCeiling(outages: readonly Outage[], reconnect: UplinkConfig['reconnect'], slackMs: number): number {
  let ceiling = 0;
  for (const outage of outages) {
    let elapsed = 0;
    let failures = 0;
    let attempts = 1;
    for (;;) {
      const delay = Math.min(reconnect.maxDelayMs, reconnect.initialDelayMs * 2 ** failures) * (1 - reconnect.jitter);
      if (elapsed + delay > outage.downMs + slackMs) break;
      elapsed += delay;
      failures++;
      attempts++;
    }
    ceiling += attempts;
  }
  return ceiling;
}

/** Runs steady load over a flapping link, then checks the §3 counts, order and the reconnect ceiling. */
export async function flappingRun(rig: Rig, name: string, seed: number, durationMs: number): Promise<void> {
  const outages = flappingSchedule(seed, durationMs);
  const proxy: FaultProxy = rig.proxy;
  process.stdout.write(
    `[uplink ${name}] flapping seed ${seed}: ${outages.length} outages (${outages.map((o) => `${o.mode} ${Math.round(o.downMs)} ms`).join(', ')})\n`,
  );
  await rig.load(
    durationMs,
    outages.flatMap((outage) => [
      { at: outage.at, action: () => proxy.cut(outage.mode) },
      { at: outage.at + outage.downMs, action: () => proxy.restore() },
    ]),
  );
  proxy.restore();
  await rig.drained(25_000);
  const stats = await rig.uplink!.readStats();
  const result = report(name, rig.attempted, stats.ackedPoints, rig.sink, rig.duplicatesBeforeDedupe());
  const ceiling = reconnectCeiling(outages, rig.config.reconnect, 300);
  process.stdout.write(
    `[uplink ${name}] reconnect attempts ${stats.reconnectAttempts} (ceiling ${ceiling}), reconnects ${stats.reconnects}, resent ${stats.resentMessages}\n`,
  );
  expect(result).toMatchObject({ lost: 0, unexpected: 0, duplicatedAfterDedupe: 0 });
  expect(rig.sink.outOfOrder()).toEqual([]);
  expect(stats.reconnects).toBeGreaterThanOrEqual(1);
  expect(stats.reconnectAttempts).toBeLessThanOrEqual(ceiling);
}
