import { describe, expect, it } from 'vitest';
import { createPlant, defaultPlantDescription, multiSitePlant, type PlantEvent } from '../src/index.ts';
import { errorOf, machinePath, minute, quietPlant, reading, start } from './plant-fixtures.ts';

describe('faults with ground truth', () => {
  it('the demo plant: a scheduled bearing fault on the coolant pump grows, fails the pump, and is labelled', () => {
    const plant = createPlant(defaultPlantDescription());
    const events: PlantEvent[] = [];
    plant.on((event) => events.push(event));
    const pump = machinePath(plant, 'coolant-pump');
    const velocity: number[] = [];
    const bearing: number[] = [];
    for (const minutes of [1, 6, 11, 15.9]) {
      plant.advance(start + minutes * minute);
      velocity.push(reading(plant, 'coolant-pump', 'vibration-x-rms'));
      bearing.push(reading(plant, 'coolant-pump', 'bearing-temperature-de'));
    }
    expect(velocity[3]).toBeGreaterThan(4 * (velocity[0] as number));
    expect(velocity).toEqual([...velocity].sort((a, b) => a - b));
    expect((bearing[3] as number) - (bearing[0] as number)).toBeGreaterThan(3);
    plant.advance(start + 17 * minute);
    const label = {
      id: 'fault-1',
      machine: pump,
      kind: 'bearing-wear',
      source: 'schedule',
      startedAt: start + minute,
      severity: 0.05,
      failureAt: start + 16 * minute,
      location: 'outer',
    };
    expect(plant.labels()).toEqual([label]);
    expect(events.filter((event) => event.type !== 'state-changed')).toEqual([
      { type: 'fault-injected', label },
      { type: 'failure', label, at: start + 16 * minute },
    ]);
    expect(events.find((event) => event.type === 'state-changed' && event.machine === pump)).toEqual({
      type: 'state-changed',
      machine: pump,
      at: start + 16 * minute,
      from: 'running',
      to: 'down',
      reason: 'failure (fault-1)',
    });
    expect(plant.value(`${pump}/state`)).toBe('down');
    expect(reading(plant, 'coolant-pump', 'flow')).toBeLessThan(1);
    // Replacing the bearing (clearing the fault) brings the pump back.
    const cleared = plant.clearFault('fault-1');
    expect(cleared).toEqual({ ...label, clearedAt: plant.now });
    plant.advance(plant.now + minute);
    expect(plant.value(`${pump}/state`)).toBe('running');
    expect(plant.clearFault('fault-1')).toEqual(cleared);
  });

  it('faults injected by command carry their source, severity and failure time', () => {
    const plant = quietPlant();
    const fan = machinePath(plant, 'exhaust-fan');
    const label = plant.injectFault('exhaust-fan', 'misalignment', { severity: 0.3, timeToFailureMs: 10 * minute });
    expect(label).toEqual({
      id: 'fault-1',
      machine: fan,
      kind: 'misalignment',
      source: 'command',
      startedAt: start,
      severity: 0.3,
      failureAt: start + 10 * minute,
    });
    plant.advance(start + 9 * minute);
    expect(plant.value(`${fan}/state`)).toBe('running');
    plant.advance(start + 10 * minute);
    expect(plant.value(`${fan}/state`)).toBe('down');
  });

  it('overheating and cavitation change the physics', () => {
    const [healthy, faulty] = [quietPlant(), quietPlant()];
    faulty.injectFault('exhaust-fan', 'overheating', { severity: 0.8 });
    faulty.injectFault('cooling-pump', 'cavitation', { severity: 0.7 });
    healthy.advance(start + 60 * minute);
    faulty.advance(start + 60 * minute);
    expect(reading(faulty, 'exhaust-fan', 'winding-temperature') - reading(healthy, 'exhaust-fan', 'winding-temperature')).toBeGreaterThan(20);
    expect(reading(faulty, 'cooling-pump', 'head')).toBeLessThan(0.85 * reading(healthy, 'cooling-pump', 'head'));
    expect(reading(faulty, 'cooling-pump', 'acoustic-level')).toBeGreaterThan(reading(healthy, 'cooling-pump', 'acoustic-level') + 3);
    expect(reading(faulty, 'cooling-pump', 'vibration-x-rms')).toBeGreaterThan(3 * reading(healthy, 'cooling-pump', 'vibration-x-rms'));
  });

  it('a stuck sensor freezes its value, a drifting one wanders off, both with good quality', () => {
    const [truth, faulty] = [quietPlant(), quietPlant()];
    const fan = machinePath(faulty, 'exhaust-fan');
    const tag = faulty.tags.find((candidate) => candidate.path === `${fan}/bearing-temperature-de`)?.index as number;
    const currentTag = faulty.tags.find((candidate) => candidate.path === `${fan}/motor-current`)?.index as number;
    faulty.injectFault(fan, 'sensor-drift', { tag: 'bearing-temperature-de', severity: 1 });
    faulty.injectFault(fan, 'stuck-sensor', { tag: 'motor-current' });
    const frozen = faulty.valueAt(currentTag);
    truth.advance(start + 120 * minute);
    faulty.advance(start + 120 * minute);
    expect(faulty.valueAt(currentTag)).toBe(frozen);
    expect(truth.valueAt(currentTag)).not.toBe(frozen);
    expect([faulty.qualityAt(tag), faulty.qualityAt(currentTag), faulty.timestampAt(currentTag)]).toEqual(['good', 'good', start + 120 * minute]);
    // 5 % of the 170 K span per hour at severity 1: 17 K after two hours.
    expect((faulty.valueAt(tag) as number) - (truth.valueAt(tag) as number)).toBeCloseTo(17, 0);
  });

  it("a dropped link turns the machine's tags bad and stops them until it is cleared", () => {
    const plant = quietPlant();
    const cnc = machinePath(plant, 'cnc-1');
    const tags = plant.tags.filter((tag) => tag.machine === cnc);
    const before = tags.map((tag) => plant.valueAt(tag.index));
    const label = plant.injectFault(cnc, 'dropped-link');
    plant.advance(start + 5 * minute);
    expect(tags.map((tag) => [plant.valueAt(tag.index), plant.qualityAt(tag.index), plant.timestampAt(tag.index)])).toEqual(
      before.map((value) => [value, 'bad', start]),
    );
    expect(plant.value(`${machinePath(plant, 'cnc-2')}/state`)).not.toBe(undefined);
    expect(plant.qualityAt(plant.tags.find((tag) => tag.machine !== cnc)?.index as number)).toBe('good');
    plant.clearFault(label.id);
    expect(tags.every((tag) => plant.qualityAt(tag.index) === 'good' && plant.timestampAt(tag.index) === plant.now)).toBe(true);
  });

  it('refuses faults that make no sense, naming what is wrong', () => {
    const plant = quietPlant();
    const cnc = machinePath(plant, 'cnc-1');
    expect([
      errorOf(() => plant.injectFault('cnc-1', 'cavitation')).message,
      errorOf(() => plant.injectFault('cnc-1', 'rust' as 'imbalance')).message,
      errorOf(() => plant.injectFault('cnc-1', 'imbalance', { severity: 1.5 })).message,
      errorOf(() => plant.injectFault('cnc-1', 'dropped-link', { timeToFailureMs: 1_000 })).message,
      errorOf(() => plant.injectFault('cnc-1', 'stuck-sensor', { tag: 'colour' })).message.replace(/, axis-load-x.*/, ''),
      errorOf(() => plant.injectFault('pump-7', 'imbalance')).message,
      errorOf(() => plant.clearFault('fault-9')).message,
    ]).toEqual([
      `fault on "${cnc}": cavitation needs a pump; this is a cnc`,
      `fault on "${cnc}": kind "rust" is not one of bearing-wear, imbalance, misalignment, cavitation, overheating, sensor-drift, stuck-sensor, dropped-link`,
      `fault on "${cnc}": severity 1.5 is not from 0 to 1`,
      `fault on "${cnc}": a dropped-link does not fail the machine; leave timeToFailureMs out`,
      `fault on "${cnc}": a stuck-sensor needs options.tag, one of spindle-speed, spindle-override, feed-rate, feed-override, spindle-load`,
      'machine "pump-7" does not exist (e.g. "acme/plant1/machining/line1/infeed/conveyor-1", "acme/plant1/machining/line1/turning/cnc-1", "acme/plant1/machining/line1/turning/cnc-2")',
      'fault "fault-9" does not exist',
    ]);
    expect(plant.labels()).toEqual([]);
    expect(
      [errorOf(() => plant.injectFault('pump-7', 'imbalance')), errorOf(() => plant.clearFault('fault-9'))].map((error) => [error.name, error.code]),
    ).toEqual([
      ['NotFoundError', 'SF_NOT_FOUND'],
      ['NotFoundError', 'SF_NOT_FOUND'],
    ]);
    expect(errorOf(() => plant.injectFault('oven-1', 'sensor-drift', { tag: 'running' })).message).toMatch(
      /a sensor-drift needs options\.tag, a numeric tag, one of /,
    );
    expect(errorOf(() => plant.injectFault('cnc-1', 'imbalance', { tag: 'spindle-speed' })).message).toBe(
      `fault on "${cnc}": a imbalance affects the whole machine; leave the tag out`,
    );
    const twoSites = createPlant(multiSitePlant(2));
    expect(errorOf(() => twoSites.injectFault('cnc-1', 'imbalance'))).toEqual({
      name: 'InputError',
      code: 'SF_BAD_REQUEST',
      message: 'machine "cnc-1" is ambiguous: "acme/plant1/machining/line1/turning/cnc-1", "acme/plant2/machining/line1/turning/cnc-1"; give more of its path',
    });
    expect(twoSites.injectFault('plant2/machining/line1/turning/cnc-1', 'imbalance').machine).toBe('acme/plant2/machining/line1/turning/cnc-1');
  });
});
