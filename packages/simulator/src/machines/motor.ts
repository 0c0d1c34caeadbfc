import { createDrive, stepDrive } from '../physics/drive.ts';
import { createWander, stepWander } from '../physics/wander.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { bearingTemperatureTags, driveAlarms, driveTags, meterTags, statusTags, vibrationTags } from './standard-tags.ts';

/**
 * A general-purpose induction motor on a variable-speed drive (fan, mixer, test bench). The driven
 * equipment's load is a setpoint, so what-if runs can load it; electrical values follow it.
 */
export const motorModel: MachineModel = {
  type: 'motor',
  station: false,
  paramKeys: [],
  defaults: { ratedPowerKw: 15, ratedSpeedRpm: 1_475, bearing: { balls: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 } },
  scrapRate: 0,
  reliability: { shortStopMtbfMinutes: Infinity, shortStopSeconds: [0, 0], breakdownMtbfHours: 4_000, mttrMinutes: 120 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 1.1, noiseG: 0.02, resonanceHz: 3_200 }, 80, ambientC);
    const setpoints = { speedRpm: params.ratedSpeedRpm, loadPercent: 60 };
    const wander = createWander(0.03, 300);
    let load = 0;
    const torqueNm = (): number => (rotor.speed.value > 1 ? (load * params.ratedPowerKw * 1_000) / ((2 * Math.PI * rotor.speed.value) / 60) : 0);
    const tags: TagDefinition[] = [
      {
        name: 'speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 1.2),
        noise: 0.5,
        description: 'Shaft speed.',
        read: () => rotor.speed.value,
      },
      {
        name: 'speed-setpoint',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 1.1),
        description: 'Speed setpoint of the drive (writable).',
        read: () => setpoints.speedRpm,
        write: (value) => (setpoints.speedRpm = value as number),
      },
      {
        name: 'load-setpoint',
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 120,
        description: 'Load the driven equipment puts on the motor, % of rated power at rated speed (writable).',
        read: () => setpoints.loadPercent,
        write: (value) => (setpoints.loadPercent = value as number),
      },
      { name: 'load', dataType: 'float', unit: '%', min: 0, max: 150, noise: 0.2, description: 'Mechanical load, % of rated power.', read: () => load * 100 },
      { name: 'torque', dataType: 'float', unit: 'N·m', min: 0, noise: 0.3, description: 'Shaft torque estimated by the drive.', read: torqueNm },
      ...driveTags(drive, 'main motor', true),
      ...bearingTemperatureTags(rotor),
      ...vibrationTags(rotor),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive, true),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding],
      cycleSeconds: () => core.idealCycleSeconds,
      step(dtS) {
        const on = core.state === 'running';
        const ambient = core.environment.ambientC;
        const variation = stepWander(wander, dtS, core.random);
        stepRotor(rotor, dtS, on ? setpoints.speedRpm : 0, load, ambient, core.faults);
        const speedFactor = rotor.speed.value / params.ratedSpeedRpm;
        const friction = 0.04 * core.faults.wear + 0.03 * core.faults.misalignment;
        load = on ? Math.max(0, (setpoints.loadPercent / 100) * speedFactor * (1 + variation) + friction) : 0;
        stepDrive(drive, params, dtS, load, on, ambient, core.faults.overheating);
      },
    };
  },
};
