import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow } from '../physics/lag.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { isEnergised } from './machine-core.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { bearingTemperatureTags, driveAlarms, driveTags, meterTags, productionTags, statusTags, vibrationTags } from './standard-tags.ts';

const strokeMm = 250;
const beltRatio = 2.5;
/** Flywheel speed lost to one stroke. */
const strokeSlowdown = 0.08;

/**
 * A mechanical stamping press: the main motor keeps a flywheel turning, each stroke (one part)
 * takes energy from it, and the motor works to bring it back. Tonnage is measured per stroke on
 * the left and right columns.
 */
export const pressModel: MachineModel = {
  type: 'press',
  station: true,
  paramKeys: ['ratedTonnage'],
  defaults: { ratedPowerKw: 45, ratedSpeedRpm: 1_480, bearing: { balls: 19, ballDiameterMm: 23, pitchDiameterMm: 145, contactAngleDeg: 10 } },
  scrapRate: 0.008,
  reliability: { shortStopMtbfMinutes: 60, shortStopSeconds: [20, 120], breakdownMtbfHours: 300, mttrMinutes: 90 },
  changeover: { everyParts: 3_000, minutes: 30 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 2, noiseG: 0.08, resonanceHz: 1_800 }, 90, ambientC);
    const setpoints = { strokesPerMinute: Math.min(40, Math.max(1, 60 / core.idealCycleSeconds)) };
    const flywheel = createLag(params.ratedSpeedRpm / beltRatio, 1.5);
    const oil = createLag(ambientC + 15, 1_200);
    const state = { tonnageLeft: 0, tonnageRight: 0, load: 0, cyclesSeen: core.cycles };
    const energised = (): boolean => isEnergised(core.state);
    const tags: TagDefinition[] = [
      {
        name: 'tonnage-peak',
        dataType: 'float',
        unit: 't',
        min: 0,
        max: Math.ceil(params.ratedTonnage * 1.5),
        description: 'Peak force of the last stroke, both columns.',
        read: () => state.tonnageLeft + state.tonnageRight,
      },
      {
        name: 'tonnage-left',
        dataType: 'float',
        unit: 't',
        min: 0,
        max: Math.ceil(params.ratedTonnage),
        description: 'Peak force of the last stroke, left column.',
        read: () => state.tonnageLeft,
      },
      {
        name: 'tonnage-right',
        dataType: 'float',
        unit: 't',
        min: 0,
        max: Math.ceil(params.ratedTonnage),
        description: 'Peak force of the last stroke, right column.',
        read: () => state.tonnageRight,
      },
      {
        name: 'stroke-rate',
        dataType: 'float',
        unit: 'spm',
        min: 0,
        max: 40,
        description: 'Strokes per minute.',
        read: () => (core.state === 'running' ? setpoints.strokesPerMinute : 0),
      },
      {
        name: 'stroke-rate-setpoint',
        dataType: 'float',
        unit: 'spm',
        min: 1,
        max: 40,
        description: 'Continuous stroking rate; one part per stroke (writable).',
        read: () => setpoints.strokesPerMinute,
        write: (value) => (setpoints.strokesPerMinute = value as number),
      },
      { name: 'stroke-count', dataType: 'int', min: 0, description: 'Strokes since start (counter).', read: () => core.cycles },
      {
        name: 'ram-position',
        dataType: 'float',
        unit: 'mm',
        min: 0,
        max: strokeMm,
        noise: 0.05,
        description: 'Ram position above bottom dead centre.',
        read: () => (core.state === 'running' ? (strokeMm / 2) * (1 + Math.cos(2 * Math.PI * core.cycleProgress)) : strokeMm),
      },
      {
        name: 'flywheel-speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.ceil(params.ratedSpeedRpm / beltRatio) + 50,
        noise: 0.3,
        description: 'Flywheel speed; dips at each stroke.',
        read: () => flywheel.value,
      },
      { name: 'die-height', dataType: 'float', unit: 'mm', min: 300, max: 600, noise: 0.01, description: 'Shut height of the die.', read: () => 452.5 },
      {
        name: 'clutch-air-pressure',
        dataType: 'float',
        unit: 'bar',
        min: 0,
        max: 10,
        noise: 0.02,
        description: 'Clutch and brake air pressure.',
        read: () => (energised() ? 5.6 : 0),
      },
      {
        name: 'lube-pressure',
        dataType: 'float',
        unit: 'bar',
        min: 0,
        max: 10,
        noise: 0.02,
        description: 'Lubrication oil pressure.',
        read: () => (energised() ? 2.8 + 0.4 * (rotor.speed.value / params.ratedSpeedRpm) : 0),
      },
      {
        name: 'overload-pressure',
        dataType: 'float',
        unit: 'bar',
        min: 0,
        max: 400,
        noise: 0.5,
        description: 'Hydraulic overload protection pressure.',
        read: () => (energised() ? 180 + 0.05 * (state.tonnageLeft + state.tonnageRight) : 0),
      },
      {
        name: 'oil-temperature',
        dataType: 'float',
        unit: '°C',
        min: -10,
        max: 100,
        noise: 0.1,
        description: 'Lubrication oil temperature.',
        read: () => oil.value,
      },
      ...driveTags(drive),
      ...bearingTemperatureTags(rotor),
      ...vibrationTags(rotor, ['x']),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive),
      ...productionTags(core),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, flywheel, oil],
      cycleSeconds: () => 60 / setpoints.strokesPerMinute,
      step(dtS) {
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        const motorRpm = energised() ? params.ratedSpeedRpm : 0;
        stepRotor(rotor, dtS, motorRpm, state.load, ambient, faults);
        if (core.cycles !== state.cyclesSeen) {
          state.cyclesSeen = core.cycles;
          const total = params.ratedTonnage * 0.62 * (1 + 0.02 * core.random.gaussian());
          const split = 0.5 + 0.015 + 0.01 * core.random.gaussian();
          state.tonnageLeft = total * split;
          state.tonnageRight = total * (1 - split);
          flywheel.value *= 1 - strokeSlowdown;
        }
        const target = rotor.speed.value / beltRatio;
        follow(flywheel, target, dtS);
        const deficit = target > 1 ? Math.max(0, 1 - flywheel.value / target) : 0;
        state.load = energised() ? 0.12 + 8 * deficit + 0.05 * faults.wear : 0;
        stepDrive(drive, params, dtS, state.load, energised(), ambient, faults.overheating);
        follow(oil, ambient + (energised() ? 12 + 15 * state.load : 0), dtS);
      },
    };
  },
};
