import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow, type Lag } from '../physics/lag.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { isEnergised } from './machine-core.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { driveAlarms, driveTags, meterTags, productionTags, statusTags, vibrationTags } from './standard-tags.ts';

/** Per joint: torque while holding still (gravity), swing over a cycle, and how many swings. */
const joints = [
  { hold: 2, swing: 35, turns: 2, phase: 0 },
  { hold: 32, swing: 40, turns: 3, phase: 0.2 },
  { hold: 22, swing: 30, turns: 3, phase: 0.45 },
  { hold: 3, swing: 18, turns: 4, phase: 0.1 },
  { hold: 6, swing: 20, turns: 4, phase: 0.7 },
  { hold: 1, swing: 12, turns: 5, phase: 0.3 },
] as const;

/**
 * A six-axis robot tending a cell: joint torques follow the motion of each cycle, plus gravity
 * when holding still; joints warm with their torque. A lower speed override lengthens the motion
 * part of the cycle. Vibration is measured on the axis-1 reducer.
 */
export const robotModel: MachineModel = {
  type: 'robot',
  station: true,
  paramKeys: ['payloadKg'],
  defaults: { ratedPowerKw: 12, ratedSpeedRpm: 3_000, bearing: { balls: 40, ballDiameterMm: 10, pitchDiameterMm: 180, contactAngleDeg: 45 } },
  scrapRate: 0.004,
  reliability: { shortStopMtbfMinutes: 150, shortStopSeconds: [20, 120], breakdownMtbfHours: 1_200, mttrMinutes: 60 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 0.6, noiseG: 0.02, resonanceHz: 3_800 }, 68, ambientC);
    const setpoints = { speedOverride: 100 };
    const payloadFactor = 1 + params.payloadKg / 60;
    const torques = new Float64Array(joints.length);
    const temperatures: Lag[] = joints.map(() => createLag(ambientC + 10, 1_500));
    const moving = (): boolean => core.state === 'running';
    const jointTags: TagDefinition[] = joints.flatMap((_, index) => [
      {
        name: `joint${index + 1}-torque`,
        dataType: 'float',
        unit: '%',
        min: -300,
        max: 300,
        noise: 0.3,
        description: `Axis ${index + 1} motor torque, % of rated.`,
        read: () => torques[index] as number,
      } satisfies TagDefinition,
      {
        name: `joint${index + 1}-temperature`,
        dataType: 'float',
        unit: '°C',
        min: -10,
        max: 120,
        noise: 0.1,
        description: `Axis ${index + 1} motor temperature.`,
        read: () => (temperatures[index] as Lag).value,
      } satisfies TagDefinition,
    ]);
    const tags: TagDefinition[] = [
      ...jointTags,
      {
        name: 'tcp-speed',
        dataType: 'float',
        unit: 'mm/s',
        min: 0,
        max: 3_000,
        noise: 1,
        description: 'Tool centre point speed.',
        read: () => (moving() ? 900 * (setpoints.speedOverride / 100) * Math.abs(Math.sin(2 * Math.PI * 3 * core.cycleProgress)) : 0),
      },
      {
        name: 'speed-override',
        dataType: 'float',
        unit: '%',
        min: 10,
        max: 100,
        description: 'Program speed override; lengthens the motion part of the cycle (writable).',
        read: () => setpoints.speedOverride,
        write: (value) => (setpoints.speedOverride = value as number),
      },
      { name: 'gripper-closed', dataType: 'bool', description: 'Gripper holds a part.', read: () => moving() && core.cycleProgress % 0.5 > 0.2 },
      { name: 'program', dataType: 'string', description: 'Active robot program.', read: () => 'PICK_PLACE_01' },
      ...driveTags(drive, 'robot controller'),
      ...vibrationTags(rotor, ['x']),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive),
      ...productionTags(core),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, ...temperatures],
      cycleSeconds: () => core.idealCycleSeconds * (0.3 + (0.7 * 100) / setpoints.speedOverride),
      step(dtS) {
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        const energised = isEnergised(core.state);
        const speed = setpoints.speedOverride / 100;
        stepRotor(rotor, dtS, moving() ? 0.6 * params.ratedSpeedRpm * speed : 0, 0.5, ambient, faults);
        let total = 0;
        for (let index = 0; index < joints.length; index++) {
          const joint = joints[index] as (typeof joints)[number];
          const motion = moving() ? joint.swing * speed * speed * Math.sin(2 * Math.PI * (joint.turns * core.cycleProgress + joint.phase)) : 0;
          const torque = energised ? (joint.hold + motion) * payloadFactor * (index === 0 ? 1 + 0.3 * faults.wear : 1) : 0;
          torques[index] = torque;
          total += Math.abs(torque);
          follow(temperatures[index] as Lag, ambient + 8 + 0.35 * Math.abs(torque) + 25 * faults.overheating, dtS);
        }
        stepDrive(drive, params, dtS, energised ? total / 600 : 0, energised, ambient, faults.overheating);
      },
    };
  },
};
