import { isTagPath } from '@shopfloor/model';
import { describe, expect, it } from 'vitest';
import { createPlant, defaultPlantDescription, machineTypes, multiSitePlant, scalePlant } from '../src/index.ts';

describe('built-in plants', () => {
  it('the demo plant has ~20 machines of all eight types and ~500 tags under valid, unique paths', () => {
    const plant = createPlant(defaultPlantDescription());
    const machines = plant.machines();
    expect(machines.length).toBe(19);
    expect(new Set(machines.map((machine) => machine.type))).toEqual(new Set(machineTypes));
    expect(plant.tags.length).toBe(550);
    expect(new Set(plant.tags.map((tag) => tag.path)).size).toBe(plant.tags.length);
    expect(plant.tags.every((tag) => isTagPath(tag.path) && tag.path.split('/').length === 7 && tag.index === plant.tags.indexOf(tag))).toBe(true);
    const perMachine = machines.map((machine) => machine.tags.length);
    expect(Math.min(...perMachine)).toBeGreaterThanOrEqual(15);
    expect(Math.max(...perMachine)).toBeLessThanOrEqual(40);
    expect(plant.tags.filter((tag) => tag.writable).map((tag) => tag.name)).toContain('valve-setpoint');
    expect(plant.labels()).toEqual([]);
  });

  it('replicates sites for multi-site tests, faults included', () => {
    const description = multiSitePlant(3);
    expect(description.sites.map((site) => site.id)).toEqual(['plant1', 'plant2', 'plant3']);
    expect(description.faults?.map((fault) => fault.machine)).toEqual([
      'acme/plant1/machining/line1/turning/coolant-pump',
      'acme/plant2/machining/line1/turning/coolant-pump',
      'acme/plant3/machining/line1/turning/coolant-pump',
    ]);
    const plant = createPlant(description);
    expect(plant.tags.length).toBe(3 * 550);
    plant.advance(plant.now + 2 * 60_000);
    expect(plant.labels().map((label) => label.machine.split('/')[1])).toEqual(['plant1', 'plant2', 'plant3']);
  });

  it('scales to at least 100,000 tags', () => {
    const plant = createPlant(scalePlant(defaultPlantDescription(), 1_900));
    expect(plant.tags.length).toBeGreaterThanOrEqual(100_000);
    expect(plant.machines().length).toBe(2 * 1_900);
    plant.advance(plant.now + 1_000);
    expect(plant.qualityAt(plant.tags.length - 1)).toBe('good');
  });
});
