import { describe, expect, it } from 'vitest';
import { createPlant, type PlantEvent } from '../src/index.ts';
import { errorOf, hour, machinePath, meanReading, minute, quietPlant, quietPlantDescription, reading, start } from './plant-fixtures.ts';

describe('control through the plant interface', () => {
  it('setpoint writes change the physics and are reported as events', () => {
    const plant = quietPlant();
    const events: PlantEvent[] = [];
    plant.on((event) => events.push(event));
    const pump = machinePath(plant, 'cooling-pump');
    plant.write(`${pump}/valve-setpoint`, 30);
    plant.advance(plant.now + minute);
    const throttled = meanReading(plant, 'cooling-pump', 'flow', 10);
    plant.write(`${pump}/valve-setpoint`, 95);
    plant.advance(plant.now + minute);
    expect(meanReading(plant, 'cooling-pump', 'flow', 10)).toBeGreaterThan(1.5 * throttled);
    expect(plant.value(`${pump}/valve-setpoint`)).toBe(95);
    expect(events.filter((event) => event.type === 'setpoint-written')).toEqual([
      { type: 'setpoint-written', tag: `${pump}/valve-setpoint`, at: start, value: 30 },
      { type: 'setpoint-written', tag: `${pump}/valve-setpoint`, at: start + minute + 10_000, value: 95 },
    ]);
  });

  it('a higher feed override makes a CNC cut faster and harder', () => {
    const [normal, fast] = [quietPlant({ stepMs: 1_000 }), quietPlant({ stepMs: 1_000 })];
    fast.write(`${machinePath(fast, 'cnc-1')}/feed-override`, 140);
    normal.advance(start + 2 * hour);
    fast.advance(start + 2 * hour);
    const cycle = (plant: typeof normal): number => reading(plant, 'cnc-1', 'cycle-time');
    expect(cycle(fast)).toBeLessThan(0.85 * cycle(normal));
  });

  it('a conveyor runs at its written speed', () => {
    const plant = quietPlant();
    plant.write(`${machinePath(plant, 'conveyor-1')}/speed-setpoint`, 0.8);
    plant.advance(plant.now + 20_000);
    expect(meanReading(plant, 'conveyor-1', 'belt-speed', 5)).toBeCloseTo(0.8, 2);
  });

  it('refuses bad writes, naming the tag and what it accepts', () => {
    const plant = quietPlant();
    const pump = machinePath(plant, 'cooling-pump');
    expect([
      errorOf(() => plant.write(`${pump}/valve-setpont`, 50)),
      errorOf(() => plant.write(`${pump}/flow`, 50)),
      errorOf(() => plant.write(`${pump}/valve-setpoint`, 150)),
      errorOf(() => plant.write(`${pump}/valve-setpoint`, 'half')),
      errorOf(() => plant.write(`${pump}/valve-setpoint`, Number.NaN)),
    ]).toEqual([
      { name: 'NotFoundError', code: 'SF_TAG_NOT_FOUND', message: `tag "${pump}/valve-setpont" does not exist in the simulated plant` },
      {
        name: 'InputError',
        code: 'SF_BAD_REQUEST',
        message: `tag "${pump}/flow" is not writable; the setpoints of this machine are valve-setpoint, speed-setpoint`,
      },
      { name: 'InputError', code: 'SF_BAD_REQUEST', message: `tag "${pump}/valve-setpoint": value 150 is out of range; expected a number from 0 to 100 %` },
      { name: 'InputError', code: 'SF_BAD_REQUEST', message: `tag "${pump}/valve-setpoint": value "half" is not a number from 0 to 100 %` },
      { name: 'InputError', code: 'SF_BAD_REQUEST', message: `tag "${pump}/valve-setpoint": value null is not a number from 0 to 100 %` },
    ]);
    expect(plant.value(`${pump}/valve-setpoint`)).toBe(70);
    const link = plant.injectFault('cooling-pump', 'dropped-link');
    expect(errorOf(() => plant.write(`${pump}/valve-setpoint`, 50))).toEqual({
      name: 'InputError',
      code: 'SF_BAD_REQUEST',
      message: `tag "${pump}/valve-setpoint": machine "${pump}" is unreachable (dropped link)`,
    });
    plant.clearFault(link.id);
    plant.write(`${pump}/valve-setpoint`, 50);
    expect(plant.value(`${pump}/valve-setpoint`)).toBe(50);
  });

  it('reports and accepts setpoints in the unit the plant file asks for', () => {
    const description = quietPlantDescription();
    const oven = description.sites[0]?.areas[1]?.lines[0]?.cells.find((cell) => cell.id === 'curing')?.machines[0];
    if (oven === undefined) throw new Error('no oven');
    oven.tags = [
      { name: 'zone1-setpoint', unit: '°F' },
      { name: 'zone1-temperature', unit: '°F', rateHz: 5 },
    ];
    const plant = createPlant(description);
    const path = machinePath(plant, 'oven-1');
    const setpoint = plant.tags.find((tag) => tag.path === `${path}/zone1-setpoint`);
    expect([setpoint?.unit, setpoint?.min, setpoint?.max, plant.value(`${path}/zone1-setpoint`)]).toEqual(['°F', 68, 572, 356]);
    expect(plant.tags.find((tag) => tag.path === `${path}/zone1-temperature`)?.rateHz).toBe(5);
    plant.write(`${path}/zone1-setpoint`, 410);
    plant.advance(plant.now + 3 * hour);
    expect(meanReading(plant, 'oven-1', 'zone1-temperature', 30)).toBeCloseTo(410, 0);
  });

  it('holds a commanded state until running is commanded again', () => {
    const plant = quietPlant();
    const events: PlantEvent[] = [];
    plant.on((event) => events.push(event));
    const robot = machinePath(plant, 'robot-2');
    plant.setMachineState(robot, 'planned-stop', 'maintenance window');
    plant.advance(plant.now + 10 * minute);
    expect(plant.machines().find((machine) => machine.path === robot)?.state).toBe('planned-stop');
    expect(events[0]).toEqual({ type: 'state-changed', machine: robot, at: start, from: 'running', to: 'planned-stop', reason: 'maintenance window' });
    plant.setMachineState('robot-2', 'running');
    plant.advance(plant.now + 10 * minute);
    expect(['running', 'starved', 'blocked']).toContain(plant.machines().find((machine) => machine.path === robot)?.state);
    expect(errorOf(() => plant.setMachineState('robot-2', 'asleep' as 'idle')).message).toBe(
      `machine "${robot}": state "asleep" is not one of running, idle, starved, blocked, down, changeover, planned-stop`,
    );
  });
});
