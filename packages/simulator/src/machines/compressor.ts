import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow } from '../physics/lag.ts';
import { createWander, stepWander } from '../physics/wander.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { bearingTemperatureTags, driveAlarms, driveTags, meterTags, statusTags, vibrationTags } from './standard-tags.ts';

/** Band between cut-out (the setpoint) and cut-in pressure. */
const bandBar = 0.8;
const atmosphereBar = 1.013;

/**
 * An oil-injected screw compressor with load/unload control into an air receiver: loaded it fills
 * the receiver up to the cut-out pressure, unloaded it idles at a quarter of its power while the
 * plant's demand draws the pressure down to cut-in.
 */
export const compressorModel: MachineModel = {
  type: 'compressor',
  station: false,
  paramKeys: ['capacityM3Min', 'receiverM3'],
  defaults: { ratedPowerKw: 55, ratedSpeedRpm: 2_970, bearing: { balls: 8, ballDiameterMm: 22.23, pitchDiameterMm: 95, contactAngleDeg: 0 } },
  scrapRate: 0,
  reliability: { shortStopMtbfMinutes: Infinity, shortStopSeconds: [0, 0], breakdownMtbfHours: 2_500, mttrMinutes: 150 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 1.6, noiseG: 0.05, resonanceHz: 3_500 }, 88, ambientC);
    const setpoints = { cutOutBar: 7.5 };
    const demand = createWander(0.12, 180);
    const discharge = createLag(ambientC + 60, 120);
    const oil = createLag(ambientC + 45, 600);
    const state = { pressureBar: 7.1, loaded: true, loadCycles: 0, deliveredM3Min: 0, load: 0 };
    const tags: TagDefinition[] = [
      {
        name: 'discharge-pressure',
        dataType: 'float',
        unit: 'bar',
        min: 0,
        max: 16,
        noise: 0.005,
        description: 'Receiver pressure (gauge), cycling between cut-in and cut-out.',
        read: () => state.pressureBar,
      },
      {
        name: 'pressure-setpoint',
        dataType: 'float',
        unit: 'bar',
        min: 5,
        max: 13,
        description: `Cut-out pressure; cut-in is ${bandBar} bar lower (writable).`,
        read: () => setpoints.cutOutBar,
        write: (value) => (setpoints.cutOutBar = value as number),
      },
      {
        name: 'loaded',
        dataType: 'bool',
        description: 'True while the compressor delivers air (inlet valve open).',
        read: () => state.loaded && core.state === 'running',
      },
      { name: 'load-cycles', dataType: 'int', min: 0, description: 'Unloaded-to-loaded transitions since start (counter).', read: () => state.loadCycles },
      {
        name: 'delivered-flow',
        dataType: 'float',
        unit: 'm³/min',
        min: 0,
        max: Math.ceil(params.capacityM3Min * 1.2),
        noise: 0.02,
        description: 'Free air delivered.',
        read: () => state.deliveredM3Min,
      },
      {
        name: 'discharge-temperature',
        dataType: 'float',
        unit: '°C',
        min: -10,
        max: 130,
        noise: 0.2,
        description: 'Air-end discharge temperature.',
        read: () => discharge.value,
      },
      {
        name: 'oil-temperature',
        dataType: 'float',
        unit: '°C',
        min: -10,
        max: 120,
        noise: 0.1,
        description: 'Oil temperature after the cooler.',
        read: () => oil.value,
      },
      {
        name: 'speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 1.1),
        noise: 0.5,
        description: 'Motor speed (fixed-speed machine).',
        read: () => rotor.speed.value,
      },
      ...driveTags(drive, 'main motor', true),
      ...bearingTemperatureTags(rotor),
      ...vibrationTags(rotor),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive, true),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, discharge, oil],
      cycleSeconds: () => core.idealCycleSeconds,
      step(dtS) {
        const on = core.state === 'running';
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        stepRotor(rotor, dtS, on ? params.ratedSpeedRpm : 0, state.load, ambient, faults);
        const speedRatio = rotor.speed.value / params.ratedSpeedRpm;
        const demandM3Min = params.capacityM3Min * Math.max(0.1, 0.55 + stepWander(demand, dtS, core.random));
        if (state.pressureBar >= setpoints.cutOutBar) state.loaded = false;
        else if (state.pressureBar <= setpoints.cutOutBar - bandBar && !state.loaded) {
          state.loaded = true;
          state.loadCycles++;
        }
        state.deliveredM3Min = on && state.loaded ? params.capacityM3Min * speedRatio : 0;
        state.pressureBar = Math.max(0, state.pressureBar + ((state.deliveredM3Min - demandM3Min) * atmosphereBar * dtS) / (params.receiverM3 * 60));
        const loaded = on && state.loaded;
        state.load = on ? (loaded ? 0.86 + 0.02 * (state.pressureBar - 7) : 0.25) * speedRatio + 0.04 * faults.wear : 0;
        stepDrive(drive, params, dtS, state.load, on, ambient, faults.overheating);
        follow(discharge, on ? ambient + (loaded ? 58 : 46) + 35 * faults.overheating : ambient, dtS);
        follow(oil, on ? ambient + (loaded ? 38 : 30) + 25 * faults.overheating : ambient, dtS);
      },
    };
  },
};
