import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow } from '../physics/lag.ts';
import { createWander, stepWander } from '../physics/wander.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { driveAlarms, driveTags, meterTags, productionTags, statusTags, vibrationTags } from './standard-tags.ts';

/**
 * A belt conveyor driven through a gearbox. It keeps running when starved (an empty belt) and
 * stops when blocked (parts accumulate); a faster belt shortens the transfer time.
 */
export const conveyorModel: MachineModel = {
  type: 'conveyor',
  station: true,
  paramKeys: ['beltSpeedMs', 'lengthM'],
  defaults: { ratedPowerKw: 4, ratedSpeedRpm: 1_440, bearing: { balls: 9, ballDiameterMm: 11.11, pitchDiameterMm: 53.5, contactAngleDeg: 0 } },
  scrapRate: 0,
  reliability: { shortStopMtbfMinutes: 120, shortStopSeconds: [15, 90], breakdownMtbfHours: 800, mttrMinutes: 45 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 1, noiseG: 0.015, resonanceHz: 2_600 }, 70, ambientC);
    const setpoints = { speedMs: params.beltSpeedMs };
    const gearbox = createLag(ambientC + 10, 1_800);
    const friction = createWander(0.04, 600);
    const state = { load: 0 };
    const moving = (): boolean => core.state === 'running' || core.state === 'starved';
    const tags: TagDefinition[] = [
      {
        name: 'belt-speed',
        dataType: 'float',
        unit: 'm/s',
        min: 0,
        max: 2,
        noise: 0.001,
        description: 'Belt speed.',
        read: () => (rotor.speed.value / params.ratedSpeedRpm) * params.beltSpeedMs,
      },
      {
        name: 'speed-setpoint',
        dataType: 'float',
        unit: 'm/s',
        min: 0.05,
        max: 1.5,
        description: 'Belt speed setpoint; changes the transfer time (writable).',
        read: () => setpoints.speedMs,
        write: (value) => (setpoints.speedMs = value as number),
      },
      {
        name: 'motor-speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 3.1),
        noise: 0.5,
        description: 'Drive motor speed.',
        read: () => rotor.speed.value,
      },
      {
        name: 'gearbox-temperature',
        dataType: 'float',
        unit: '°C',
        min: -20,
        max: 120,
        noise: 0.1,
        description: 'Gearbox oil temperature.',
        read: () => gearbox.value,
      },
      {
        name: 'belt-tension',
        dataType: 'float',
        unit: 'kN',
        min: 0,
        max: 20,
        noise: 0.02,
        description: 'Belt tension at the take-up.',
        read: () => 4 + 3 * state.load,
      },
      { name: 'jam', dataType: 'bool', description: 'Jam detected (photo-eye blocked too long); the conveyor is stopped.', read: () => core.state === 'down' },
      ...driveTags(drive, 'drive motor'),
      ...vibrationTags(rotor, ['x']),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive),
      ...productionTags(core),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, gearbox],
      cycleSeconds: () => (core.idealCycleSeconds * params.beltSpeedMs) / setpoints.speedMs,
      step(dtS) {
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        const on = moving();
        stepRotor(rotor, dtS, on ? (params.ratedSpeedRpm * setpoints.speedMs) / params.beltSpeedMs : 0, state.load, ambient, faults);
        const speedFactor = rotor.speed.value / params.ratedSpeedRpm;
        const carrying = core.state === 'running' ? 0.2 : 0;
        state.load = on
          ? Math.max(0, (0.35 + carrying) * speedFactor * (1 + stepWander(friction, dtS, core.random)) + 0.05 * faults.wear + 0.04 * faults.misalignment)
          : 0;
        stepDrive(drive, params, dtS, state.load, on, ambient, faults.overheating);
        follow(gearbox, ambient + 30 * state.load + 20 * faults.overheating, dtS);
      },
    };
  },
};
