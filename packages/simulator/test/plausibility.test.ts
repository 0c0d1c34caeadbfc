import { describe, expect, it } from 'vitest';
import { createPlant } from '../src/index.ts';
import { resolveParams } from '../src/machines/machine-models.ts';
import { createDrive, stepDrive } from '../src/physics/drive.ts';
import { hour, machinePath, meanReading, minute, quietPlant, quietPlantDescription, reading, start } from './plant-fixtures.ts';

describe('physically plausible signals', () => {
  it('a winding temperature lags a load step (first order, ~20 min) and settles higher', () => {
    const plant = quietPlant({ stepMs: 1_000 });
    const fan = machinePath(plant, 'exhaust-fan');
    plant.write(`${fan}/load-setpoint`, 30);
    plant.advance(plant.now + 3 * hour);
    const before = meanReading(plant, 'exhaust-fan', 'winding-temperature', 10);
    plant.write(`${fan}/load-setpoint`, 100);
    const stepAt = plant.now;
    plant.advance(stepAt + 10_000);
    const afterTenSeconds = reading(plant, 'exhaust-fan', 'winding-temperature');
    plant.advance(stepAt + 20 * minute);
    const afterTwentyMinutes = reading(plant, 'exhaust-fan', 'winding-temperature');
    plant.advance(stepAt + 3 * hour);
    const settled = meanReading(plant, 'exhaust-fan', 'winding-temperature', 10);
    const rise = settled - before;
    expect(rise).toBeGreaterThan(20);
    expect((afterTenSeconds - before) / rise).toBeLessThan(0.03);
    expect((afterTwentyMinutes - before) / rise).toBeGreaterThan(0.5);
    expect((afterTwentyMinutes - before) / rise).toBeLessThan(0.75);
  });

  it('motor current follows load and power is √3·V·I·PF', () => {
    const plant = quietPlant();
    const fan = machinePath(plant, 'exhaust-fan');
    const measure = (loadPercent: number): { current: number; power: number; powerFactor: number } => {
      plant.write(`${fan}/load-setpoint`, loadPercent);
      plant.advance(plant.now + 30_000);
      return {
        current: meanReading(plant, 'exhaust-fan', 'motor-current', 60),
        power: meanReading(plant, 'exhaust-fan', 'motor-power', 60),
        powerFactor: meanReading(plant, 'exhaust-fan', 'power-factor', 60),
      };
    };
    // Worked by hand for the 11 kW fan with the nameplate defaults (400 V, PF, η):
    // rated current = (11/η + 0.07·11) kW / (√3 · 400 V · PF); at 100 % load the current is that
    // and the PF the nameplate one; at light load the magnetising current (0.3 × rated) keeps
    // the current up and pulls the PF down.
    const { efficiency, powerFactor, voltageV } = resolveParams('motor', { ratedPowerKw: 11 });
    const ratedA = ((11 / efficiency + 0.77) * 1_000) / (Math.sqrt(3) * voltageV * powerFactor);
    const [idle, low, rated] = [measure(0), measure(30), measure(100)];
    expect(rated.current / ratedA).toBeCloseTo(1, 1);
    expect(rated.powerFactor).toBeCloseTo(powerFactor, 1);
    expect(idle.current / ratedA).toBeGreaterThan(0.27);
    expect(idle.current / ratedA).toBeLessThan(0.36);
    expect(idle.powerFactor).toBeGreaterThan(0.13);
    expect(idle.powerFactor).toBeLessThan(0.22);
    expect(low.powerFactor).toBeGreaterThan(idle.powerFactor + 0.3);
    expect(low.powerFactor).toBeLessThan(rated.powerFactor);
    // 30 % load draws much more than 30 % of rated current (magnetising current).
    expect(low.current / rated.current).toBeGreaterThan(0.4);
    expect(low.current / rated.current).toBeLessThan(0.55);
  });

  it('drive: rated current at rated load and the power-factor curve match independently worked values', () => {
    // 11 kW, 400 V, PF 0.85, η 0.9: input at rated load 11/0.9 + 0.77 = 12.992 kW;
    // I_rated = 12,992 / (√3 · 400 · 0.85) = 22.06 A; I_mag = 6.62 A.
    const params = { ratedPowerKw: 11, voltageV: 400, powerFactor: 0.85, efficiency: 0.9 };
    const drive = createDrive(params, 20);
    expect(drive.ratedCurrentA).toBeCloseTo(22.06, 1);
    const at = (load: number): { current: number; pf: number } => {
      stepDrive(drive, params, 0.1, load, true, 20, 0);
      return { current: drive.currentA, pf: drive.powerFactor };
    };
    expect(at(1).current).toBeCloseTo(22.06, 1);
    expect(at(1).pf).toBeCloseTo(0.85, 2);
    // No load: I_a = 770 / (√3·400) = 1.111 A, I_q ≈ 6.62 A → I ≈ 6.71 A, PF ≈ 0.166.
    expect(at(0).current).toBeCloseTo(6.71, 1);
    expect(at(0).pf).toBeCloseTo(0.166, 2);
    // Half load: I_a = 6.881 kW / (√3·400) = 9.932 A; I_q = 6.62 + 5.01 · (9.932/18.752)² = 8.025 A → PF ≈ 0.778.
    expect(at(0.5).pf).toBeCloseTo(0.778, 2);
  });

  it('pump pressure falls as flow rises along the pump curve', () => {
    const plant = quietPlant();
    const pump = machinePath(plant, 'cooling-pump');
    const points = [20, 40, 60, 80, 100].map((valve) => {
      plant.write(`${pump}/valve-setpoint`, valve);
      plant.advance(plant.now + 60_000);
      return {
        flow: meanReading(plant, 'cooling-pump', 'flow', 20),
        pressure: meanReading(plant, 'cooling-pump', 'discharge-pressure', 20),
        head: meanReading(plant, 'cooling-pump', 'head', 20),
      };
    });
    for (let index = 1; index < points.length; index++) {
      expect(points[index]?.flow).toBeGreaterThan((points[index - 1]?.flow as number) + 2);
      expect(points[index]?.pressure).toBeLessThan(points[index - 1]?.pressure as number);
    }
    // On H = H0 − k·Q² (H0 = 60 m, k = 0.25·H0 / 120²).
    for (const point of points) expect(point.head).toBeCloseTo(60 - ((0.25 * 60) / 120 ** 2) * point.flow ** 2, 0);
  });

  it('an empty buffer starves the cells downstream, a full one blocks those upstream', () => {
    const plant = quietPlant();
    plant.setMachineState(machinePath(plant, 'conveyor-1'), 'down', 'test: infeed stopped');
    plant.setMachineState(machinePath(plant, 'conveyor-2'), 'down', 'test: outfeed stopped');
    plant.advance(plant.now + hour);
    const states = Object.fromEntries(plant.machines().map((machine) => [machine.id, machine.state]));
    // The infeed feeds the CNCs, which drain their buffer; the robot fills the stopped outfeed's buffer.
    expect([states['cnc-1'], states['cnc-2'], states['conveyor-5'], states['robot-1']].sort()).toContain('starved');
    expect(states['washer-dryer']).toBe('blocked');
    const counters = Object.fromEntries(plant.counters().map((counter) => [counter.machine.split('/').pop(), counter]));
    expect(counters['cnc-1']?.stateMs.starved).toBeGreaterThan(10 * minute);
    expect(counters['washer-dryer']?.stateMs.blocked).toBeGreaterThan(10 * minute);
  });

  it('counts parts and time per state so that OEE can be computed', () => {
    const plant = quietPlant({ stepMs: 1_000 });
    plant.advance(start + 8 * hour);
    for (const counter of plant.counters()) {
      const total = Object.values(counter.stateMs).reduce((sum, ms) => sum + ms, 0);
      expect(total).toBe(8 * hour);
    }
    const robot = plant.counters().find((counter) => counter.machine.endsWith('/robot-2'));
    if (robot === undefined) throw new Error('robot-2 missing');
    const plannedMs = 8 * hour - robot.stateMs['planned-stop'];
    const availability = robot.stateMs.running / plannedMs;
    const performance = ((robot.goodParts + robot.scrapParts) * robot.idealCycleSeconds * 1_000) / robot.stateMs.running;
    const quality = robot.goodParts / (robot.goodParts + robot.scrapParts);
    expect(robot.stateMs['planned-stop']).toBe(30 * minute);
    expect(availability).toBeGreaterThan(0.5);
    expect(performance).toBeGreaterThan(0.9);
    expect(performance).toBeLessThanOrEqual(1);
    expect(quality).toBeGreaterThan(0.95);
  });

  it('stops stations in shift breaks and keeps utilities running', () => {
    const plant = quietPlant({ stepMs: 1_000 });
    plant.advance(start + 4 * hour + 10 * minute);
    const machines = plant.machines();
    const stations = machines.filter((machine) => !['pump', 'motor', 'compressor'].includes(machine.type));
    // A repair or changeover under way outranks the break.
    expect(stations.map((machine) => machine.state).filter((state) => !['planned-stop', 'down', 'changeover'].includes(state))).toEqual([]);
    expect(stations.filter((machine) => machine.state === 'planned-stop').length).toBeGreaterThan(stations.length / 2);
    expect(machines.filter((machine) => machine.state === 'planned-stop' && ['pump', 'motor', 'compressor'].includes(machine.type))).toEqual([]);
  });

  it('oven zones follow their setpoints with a lag; the compressor cycles between cut-in and cut-out', () => {
    const plant = quietPlant();
    const oven = machinePath(plant, 'oven-1');
    expect(reading(plant, 'oven-1', 'zone2-temperature')).toBeCloseTo(200, 0);
    plant.write(`${oven}/zone2-setpoint`, 230);
    plant.advance(plant.now + 5 * minute);
    const early = reading(plant, 'oven-1', 'zone2-temperature');
    plant.advance(plant.now + hour);
    expect(early).toBeGreaterThan(203);
    expect(early).toBeLessThan(229);
    expect(meanReading(plant, 'oven-1', 'zone2-temperature', 60)).toBeCloseTo(230, 0);
    const pressures: number[] = [];
    for (let second = 0; second < 600; second++) {
      plant.advance(plant.now + 1_000);
      pressures.push(reading(plant, 'compressor-1', 'discharge-pressure'));
    }
    expect(Math.max(...pressures)).toBeGreaterThan(7.4);
    expect(Math.max(...pressures)).toBeLessThan(7.6);
    expect(Math.min(...pressures)).toBeGreaterThan(6.6);
    expect(Math.min(...pressures)).toBeLessThan(6.8);
  });

  it('ambient follows the time of day', () => {
    const plant = createPlant(quietPlantDescription(), { startTime: Date.parse('2025-01-06T03:00:00Z'), stepMs: 1_000 });
    const coldest = meanReading(plant, 'cooling-pump', 'fluid-temperature', 5);
    plant.advance(Date.parse('2025-01-06T16:00:00Z'));
    expect(meanReading(plant, 'cooling-pump', 'fluid-temperature', 5) - coldest).toBeGreaterThan(4);
  });
});
