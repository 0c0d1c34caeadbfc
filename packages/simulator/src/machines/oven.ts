import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow } from '../physics/lag.ts';
import { createPiController, holdOutput, stepPiController, type PiController } from '../physics/pi-controller.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { isEnergised } from './machine-core.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { driveAlarms, driveTags, meterTags, productionTags, statusTags, vibrationTags } from './standard-tags.ts';

const defaultSetpointsC = [180, 200, 190, 185, 195, 190];
/** Zone time constant C/G, seconds. */
const zoneTauS = 900;
const nominalBeltMMin = 1;

interface Zone {
  temperatureC: number;
  setpointC: number;
  readonly controller: PiController;
}

/**
 * A continuous curing oven: electrically heated zones, each a thermal mass losing heat to ambient
 * and to the parts, held at its setpoint by a PI controller; a circulation fan; a belt whose
 * speed sets the dwell. Overheating is a heater contactor stuck closed: the zone overshoots.
 */
export const ovenModel: MachineModel = {
  type: 'oven',
  station: true,
  paramKeys: ['heaterKw', 'zones'],
  defaults: { ratedPowerKw: 7.5, ratedSpeedRpm: 1_450, bearing: { balls: 9, ballDiameterMm: 9.53, pitchDiameterMm: 46, contactAngleDeg: 0 } },
  scrapRate: 0.01,
  reliability: { shortStopMtbfMinutes: 240, shortStopSeconds: [30, 180], breakdownMtbfHours: 400, mttrMinutes: 90 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 1.2, noiseG: 0.02, resonanceHz: 2_400 }, 74, ambientC);
    const zonePowerKw = params.heaterKw / params.zones;
    // Heat loss per kelvin: a zone at 200 °C needs 55 % of its heaters with no parts.
    const lossKwPerK = (0.55 * zonePowerKw) / (200 - 22);
    const capacityKjPerK = lossKwPerK * zoneTauS;
    const zones: Zone[] = Array.from({ length: params.zones }, (_, index) => ({
      temperatureC: ambientC,
      setpointC: defaultSetpointsC[index] ?? 190,
      controller: createPiController(0.08, 300),
    }));
    const setpoints = { beltMMin: nominalBeltMMin };
    const exhaust = createLag(ambientC, 300);
    const state = { heaterKw: 0, heaterKwh: 0, partsKw: 0 };
    const zoneTags: TagDefinition[] = zones.flatMap((zone, index) => [
      {
        name: `zone${index + 1}-temperature`,
        dataType: 'float',
        unit: '°C',
        min: 0,
        max: 400,
        noise: 0.15,
        description: `Air temperature of zone ${index + 1}.`,
        read: () => zone.temperatureC,
      } satisfies TagDefinition,
      {
        name: `zone${index + 1}-setpoint`,
        dataType: 'float',
        unit: '°C',
        min: 20,
        max: 300,
        description: `Temperature setpoint of zone ${index + 1} (writable).`,
        read: () => zone.setpointC,
        write: (value) => (zone.setpointC = value as number),
      } satisfies TagDefinition,
      {
        name: `zone${index + 1}-heater-output`,
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 100,
        description: `Controller output to the heaters of zone ${index + 1}.`,
        read: () => zone.controller.output * 100,
      } satisfies TagDefinition,
    ]);
    const tags: TagDefinition[] = [
      ...zoneTags,
      {
        name: 'heater-power',
        dataType: 'float',
        unit: 'kW',
        min: 0,
        max: Math.ceil(params.heaterKw * 1.1),
        noise: 0.1,
        description: 'Electrical power of all heaters.',
        read: () => state.heaterKw,
      },
      { name: 'heater-energy', dataType: 'float', unit: 'kWh', min: 0, description: 'Heater energy since start (counter).', read: () => state.heaterKwh },
      {
        name: 'exhaust-temperature',
        dataType: 'float',
        unit: '°C',
        min: 0,
        max: 400,
        noise: 0.3,
        description: 'Exhaust air temperature.',
        read: () => exhaust.value,
      },
      {
        name: 'fan-speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 1.1),
        noise: 0.5,
        description: 'Circulation fan speed.',
        read: () => rotor.speed.value,
      },
      {
        name: 'belt-speed',
        dataType: 'float',
        unit: 'm/min',
        min: 0,
        max: 3,
        noise: 0.002,
        description: 'Belt speed; it runs while the oven is up, also without parts, and stops when blocked.',
        read: () => (isEnergised(core.state) && core.state !== 'blocked' ? setpoints.beltMMin : 0),
      },
      {
        name: 'belt-speed-setpoint',
        dataType: 'float',
        unit: 'm/min',
        min: 0.2,
        max: 3,
        description: 'Belt speed setpoint; a faster belt shortens the cycle (writable).',
        read: () => setpoints.beltMMin,
        write: (value) => (setpoints.beltMMin = value as number),
      },
      ...driveTags(drive, 'circulation fan motor'),
      ...vibrationTags(rotor, ['x']),
      ...statusTags(core, {
        ...driveAlarms(drive, rotor),
        overtemperature: () => zones.some((zone) => zone.temperatureC > zone.setpointC + 20) || drive.winding.value > 140,
      }),
      ...meterTags(drive),
      ...productionTags(core),
    ];
    const heatersOn = (): boolean => core.state !== 'down';
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, exhaust],
      cycleSeconds: () => (core.idealCycleSeconds * nominalBeltMMin) / setpoints.beltMMin,
      settle() {
        const ambient = core.environment.ambientC;
        for (const zone of zones) {
          zone.temperatureC = zone.setpointC;
          holdOutput(zone.controller, Math.min(1, (lossKwPerK * (zone.setpointC - ambient) + state.partsKw) / zonePowerKw));
        }
      },
      step(dtS) {
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        const fanOn = core.state !== 'down';
        stepRotor(rotor, dtS, fanOn ? params.ratedSpeedRpm : 0, 0.7, ambient, faults);
        stepDrive(drive, params, dtS, fanOn ? 0.7 * (rotor.speed.value / params.ratedSpeedRpm) ** 3 : 0, fanOn, ambient, 0);
        state.partsKw = core.state === 'running' ? 0.1 * zonePowerKw * (setpoints.beltMMin / nominalBeltMMin) : 0;
        let heaterKw = 0;
        let mean = 0;
        for (const zone of zones) {
          const output = heatersOn() ? Math.max(stepPiController(zone.controller, zone.setpointC - zone.temperatureC, dtS), faults.overheating) : 0;
          if (!heatersOn()) zone.controller.output = 0;
          const powerKw = output * zonePowerKw;
          heaterKw += powerKw;
          zone.temperatureC += ((powerKw - lossKwPerK * (zone.temperatureC - ambient) - state.partsKw) * dtS) / capacityKjPerK;
          mean += zone.temperatureC / zones.length;
        }
        state.heaterKw = heaterKw;
        state.heaterKwh += (heaterKw * dtS) / 3_600;
        follow(exhaust, ambient + 0.6 * (mean - ambient), dtS);
      },
    };
  },
};
