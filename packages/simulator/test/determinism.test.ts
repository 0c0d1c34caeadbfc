import { describe, expect, it } from 'vitest';
import { createPlant } from '../src/index.ts';
import { machinePath, minute, quietPlantDescription, snapshot } from './plant-fixtures.ts';
import { defaultPlantDescription } from '../src/index.ts';

describe('determinism', () => {
  it('gives identical values, labels, counters and waveforms for the same seed and calls', () => {
    const [first, second] = [createPlant(defaultPlantDescription()), createPlant(defaultPlantDescription())] as const;
    for (const plant of [first, second]) {
      plant.advance(plant.now + 5 * minute);
      plant.injectFault(machinePath(plant, 'cnc-1'), 'imbalance', { severity: 0.3 });
      plant.write(`${machinePath(plant, 'cooling-pump')}/valve-setpoint`, 40);
      plant.advance(plant.now + 5 * minute);
    }
    expect(snapshot(second)).toEqual(snapshot(first));
    expect(second.labels()).toEqual(first.labels());
    expect(second.counters()).toEqual(first.counters());
    expect(second.waveform('coolant-pump', 'y').samples).toEqual(first.waveform('coolant-pump', 'y').samples);
  });

  it('does not depend on how time is handed to advance', () => {
    const [once, often] = [createPlant(quietPlantDescription()), createPlant(quietPlantDescription())] as const;
    once.advance(once.now + 10 * minute);
    for (let second = 1; second <= 600; second++) often.advance(often.now + 1_000 - (second % 3) * 0.5);
    often.advance(once.now);
    expect(snapshot(often)).toEqual(snapshot(once));
  });

  it('gives different values for a different seed', () => {
    const [first, second] = [createPlant(quietPlantDescription(), { seed: 1 }), createPlant(quietPlantDescription(), { seed: 2 })] as const;
    first.advance(first.now + minute);
    second.advance(second.now + minute);
    const a = snapshot(first).values;
    const b = snapshot(second).values;
    const differing = a.filter((value, index) => value !== b[index]).length;
    expect(differing).toBeGreaterThan(a.length / 2);
  });

  it('keeps a machine the same when a machine is added elsewhere', () => {
    const base = quietPlantDescription();
    const grown = quietPlantDescription();
    grown.sites[0]?.areas[1]?.lines[0]?.cells.at(-1)?.machines.push({ id: 'spare-pump', type: 'pump' });
    const [before, after] = [createPlant(base), createPlant(grown)] as const;
    before.advance(before.now + 10 * minute);
    after.advance(after.now + 10 * minute);
    const line1 = (plant: typeof before): unknown[] => plant.tags.filter((tag) => tag.path.includes('/line1/')).map((tag) => plant.valueAt(tag.index));
    expect(line1(after)).toEqual(line1(before));
    expect(after.tags.length).toBe(before.tags.length + 33);
  });
});
