import type { Plant } from '../plant-api.ts';
import { formatRecordingRow } from './recording-csv.ts';

/**
 * Runs a plant forward and records every tag every `everyMs` of simulated time until `untilMs`,
 * as a CSV that `createReplayPlant` plays back: one row per new sample; tags whose link is
 * dropped are left out.
 */
export function recordPlant(plant: Plant, untilMs: number, everyMs = 1_000): string {
  const rows = ['tag,timestamp,value,quality'];
  const recorded = new Float64Array(plant.tags.length).fill(Number.NaN);
  const record = (): void => {
    for (const tag of plant.tags) {
      const ts = plant.timestampAt(tag.index);
      if (plant.qualityAt(tag.index) === 'bad' || recorded[tag.index] === ts) continue;
      recorded[tag.index] = ts;
      rows.push(`${formatRecordingRow(tag.path, plant.timestampAt(tag.index), plant.valueAt(tag.index))},${plant.qualityAt(tag.index)}`);
    }
  };
  record();
  for (let at = plant.now + everyMs; at <= untilMs; at += everyMs) {
    plant.advance(at);
    record();
  }
  return `${rows.join('\n')}\n`;
}
