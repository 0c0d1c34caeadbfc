import { createPlant, defaultPlantDescription, type Plant, type PlantDescription } from '@shopfloor/simulator';

/** A whole minute an hour ago: simulated time the runtime accepts (not in its future), on the rate grid. */
export function testStartTime(): number {
  return Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
}

/** The default plant (19 machines, 550 tags at 1 Hz), optionally changed, starting at `startTime`. */
export function testPlant(startTime: number, adjust: (description: PlantDescription) => PlantDescription = (description) => description): Plant {
  return createPlant(adjust(defaultPlantDescription()), { startTime });
}

/** Advances the plant to each tick and hands the tick to `publish`, as the simulation clock does. */
export function runTicks(plant: Plant, from: number, tickMs: number, ticks: number, publish: (simTimeMs: number) => void): number {
  let at = from;
  for (let tick = 1; tick <= ticks; tick++) {
    at = from + tick * tickMs;
    plant.advance(at);
    publish(at);
  }
  return at;
}
