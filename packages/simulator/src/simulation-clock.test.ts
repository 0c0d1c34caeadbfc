import { describe, expect, it } from 'vitest';
import { defaultPlantDescription } from './description/default-plant.ts';
import { createPlant } from './plant/create-plant.ts';
import { createSimulationClock } from './simulation-clock.ts';

const start = Date.parse('2025-01-06T06:00:00Z');

describe('createSimulationClock', () => {
  it('maps wall time to simulated time at its speed, ticks listeners, and freezes when stopped', async () => {
    const plant = createPlant(defaultPlantDescription());
    let wall = 1_000_000;
    const clock = createSimulationClock({ speed: 60, tickMs: 1_000 }, plant, { wallNow: () => wall });
    const ticks: number[] = [];
    clock.onTick((simulated) => ticks.push(simulated));
    clock.start();
    wall += 1_000;
    expect(clock.tick()).toBe(start + 60_000);
    expect(plant.now).toBe(start + 60_000);
    clock.stop();
    wall += 5_000;
    expect(clock.tick()).toBe(start + 60_000);
    clock.start();
    wall += 500;
    clock.tick();
    expect(ticks).toEqual([start + 60_000, start + 60_000, start + 90_000]);
    expect(clock.running).toBe(true);
    await clock.close();
    expect(clock.running).toBe(false);
  });

  it("runs on an unref'd timer and survives a failing listener", async () => {
    const plant = createPlant(defaultPlantDescription());
    const errors: string[] = [];
    const logger = {
      error: (message: string) => void errors.push(message),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
      child: () => logger,
    };
    const clock = createSimulationClock({ speed: 1_000, tickMs: 5, startTime: start + 10_000 }, plant, { logger });
    expect(plant.now).toBe(start + 10_000);
    let ticks = 0;
    clock.onTick(() => {
      ticks++;
      throw new Error('listener broke');
    });
    clock.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await clock.close();
    expect(ticks).toBeGreaterThan(2);
    expect(errors[0]).toBe('simulation clock listener failed');
    expect(plant.now).toBeGreaterThan(start + 10_000 + 20_000);
  });

  it('survives a plant step that throws inside the timer, logging it', async () => {
    const real = createPlant(defaultPlantDescription());
    const errors: string[] = [];
    const logger = {
      error: (message: string) => void errors.push(message),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
      child: () => logger,
    };
    let calls = 0;
    const plant = Object.create(real, {
      advance: {
        value: (toMs: number) => {
          if (++calls > 1) throw new Error('step broke');
          real.advance(toMs);
        },
      },
    }) as typeof real;
    const clock = createSimulationClock({ speed: 1_000, tickMs: 5 }, plant, { logger });
    let ticks = 0;
    clock.onTick(() => {
      ticks += 1;
    });
    clock.start();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(() => clock.tick()).not.toThrow();
    await clock.close();
    expect(ticks).toBeGreaterThan(2);
    expect(errors[0]).toBe('simulation clock advance failed');
  });

  it('refuses a bad speed, tick or start, naming it', () => {
    const plant = createPlant(defaultPlantDescription());
    expect(() => createSimulationClock({ speed: 0, tickMs: 100 }, plant)).toThrow(
      'simulation clock speed: expected a number above 0 and at most 10000000, found 0',
    );
    expect(() => createSimulationClock({ speed: 1, tickMs: 0.5 }, plant)).toThrow('simulation clock tickMs: expected an integer from 1 to 3600000, found 0.5');
    expect(() => createSimulationClock({ speed: 1, tickMs: 100, startTime: start - 1 }, plant)).toThrow(
      "simulation clock startTime: expected a time at or after the plant's 2025-01-06T06:00:00.000Z",
    );
  });
});
