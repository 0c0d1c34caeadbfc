import { createPlant, defaultPlantDescription, type Plant, type PlantDescription, type PlantOptions } from '../src/index.ts';

export const start = Date.parse('2025-01-06T06:00:00Z');
export const minute = 60_000;
export const hour = 3_600_000;

/** The demo plant without its scheduled fault, so tests choose their own. */
export function quietPlantDescription(): PlantDescription {
  const description = defaultPlantDescription();
  delete description.faults;
  return description;
}

/** `stepMs` 1,000 makes hours of simulated time cheap where 100 ms detail does not matter. */
export function quietPlant(options: PlantOptions = {}): Plant {
  return createPlant(quietPlantDescription(), options);
}

export function machinePath(plant: Plant, id: string): string {
  const machine = plant.machines().find((candidate) => candidate.id === id);
  if (machine === undefined) throw new Error(`no machine ${id}`);
  return machine.path;
}

/** The current value of a machine's tag, as a number. */
export function reading(plant: Plant, id: string, tag: string): number {
  const value = plant.value(`${machinePath(plant, id)}/${tag}`);
  if (typeof value !== 'number') throw new Error(`${id}/${tag} is ${String(value)}`);
  return value;
}

/** Mean of a tag over `samples` one-second samples from now on (smooths sensor noise). */
export function meanReading(plant: Plant, id: string, tag: string, samples = 30): number {
  let sum = 0;
  for (let index = 0; index < samples; index++) {
    plant.advance(plant.now + 1_000);
    sum += reading(plant, id, tag);
  }
  return sum / samples;
}

export function snapshot(plant: Plant): { values: unknown[]; qualities: unknown[]; stamps: number[] } {
  return {
    values: plant.tags.map((tag) => plant.valueAt(tag.index)),
    qualities: plant.tags.map((tag) => plant.qualityAt(tag.index)),
    stamps: plant.tags.map((tag) => plant.timestampAt(tag.index)),
  };
}

export function errorOf(action: () => unknown): { name: string; code: string; message: string } {
  try {
    action();
  } catch (error) {
    const { name, code, message } = error as { name: string; code: string; message: string };
    return { name, code, message };
  }
  throw new Error('expected an error');
}
