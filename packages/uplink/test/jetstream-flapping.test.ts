// A flapping link (seeded: cut and restored at random intervals, reset or blackhole) under steady load,
// edge → hub over JetStream. SHOPFLOOR_FLAP_SEED replays a seed; SHOPFLOOR_FLAP_MS runs longer by hand.
import { afterEach, describe, it } from 'vitest';
import { flappingRun } from './flapping.ts';
import { Rig } from './rig.ts';

const seed = Number(process.env['SHOPFLOOR_FLAP_SEED'] ?? Date.now() % 1_000_000);
const durationMs = Number(process.env['SHOPFLOOR_FLAP_MS'] ?? 15_000);

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('uplink over JetStream on a flapping link', () => {
  it(`loses and duplicates nothing, and reconnects within the back-off ceiling (seed ${seed})`, { timeout: durationMs + 40_000 }, async () => {
    rig = await Rig.start({ transport: 'jetstream', tags: 100, periodMs: 50 });
    await flappingRun(rig, 'jetstream flapping', seed, durationMs);
  });
});
