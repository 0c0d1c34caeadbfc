import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow } from '../physics/lag.ts';
import { createPumpCurve, hydraulicPowerKw, operatingFlow, pumpEfficiency, pumpHead } from '../physics/pump-curve.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { bearingTemperatureTags, driveAlarms, driveTags, meterTags, statusTags, vibrationTags } from './standard-tags.ts';

/** Metres of water column to bar. */
const barPerMetre = 0.0981;

/**
 * A centrifugal water pump on a variable-speed drive, throttled by a control valve. Flow and head
 * sit on the pump curve; cavitation takes head away and makes the flow unsteady and the pump loud.
 */
export const pumpModel: MachineModel = {
  type: 'pump',
  station: false,
  paramKeys: ['shutoffHeadM', 'ratedFlowM3h', 'staticHeadM'],
  defaults: { ratedPowerKw: 30, ratedSpeedRpm: 2_950, bearing: { balls: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.5, contactAngleDeg: 0 } },
  scrapRate: 0,
  reliability: { shortStopMtbfMinutes: Infinity, shortStopSeconds: [0, 0], breakdownMtbfHours: 3_000, mttrMinutes: 180 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const curve = createPumpCurve(params.shutoffHeadM, params.ratedFlowM3h, params.staticHeadM);
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 1.4, noiseG: 0.03, resonanceHz: 2_800 }, 84, ambientC);
    const setpoints = { speedRpm: params.ratedSpeedRpm, valvePercent: 70 };
    const valve = createLag(setpoints.valvePercent, 5);
    const flow = createLag(0, 1);
    const fluid = createLag(ambientC, 600);
    const bestPowerKw = hydraulicPowerKw(curve.ratedFlowM3h, 0.75 * curve.shutoffHeadM) / 0.78;
    const state = { headM: 0, suctionBar: 0.5, efficiency: 0, volumeM3: 0, load: 0 };
    const tags: TagDefinition[] = [
      {
        name: 'flow',
        dataType: 'float',
        unit: 'm³/h',
        min: 0,
        max: Math.round(params.ratedFlowM3h * 1.5),
        noise: params.ratedFlowM3h * 0.003,
        description: 'Discharge flow (magnetic flow meter).',
        read: () => flow.value,
      },
      {
        name: 'head',
        dataType: 'float',
        unit: 'm',
        min: 0,
        max: Math.round(params.shutoffHeadM * 1.2),
        noise: 0.05,
        description: 'Differential head, on the pump curve H = H0 − k·Q².',
        read: () => state.headM,
      },
      {
        name: 'suction-pressure',
        dataType: 'float',
        unit: 'bar',
        min: -1,
        max: 10,
        noise: 0.005,
        description: 'Suction pressure (gauge).',
        read: () => state.suctionBar,
      },
      {
        name: 'discharge-pressure',
        dataType: 'float',
        unit: 'bar',
        min: -1,
        max: Math.round(params.shutoffHeadM * barPerMetre * 1.5 + 2),
        noise: 0.01,
        description: 'Discharge pressure (gauge): suction plus head.',
        read: () => state.suctionBar + state.headM * barPerMetre,
      },
      {
        name: 'valve-position',
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 100,
        noise: 0.1,
        description: 'Measured position of the discharge control valve.',
        read: () => valve.value,
      },
      {
        name: 'valve-setpoint',
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 100,
        description: 'Opening of the discharge control valve (writable).',
        read: () => setpoints.valvePercent,
        write: (value) => (setpoints.valvePercent = value as number),
      },
      {
        name: 'speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 1.2),
        noise: 0.5,
        description: 'Pump shaft speed.',
        read: () => rotor.speed.value,
      },
      {
        name: 'speed-setpoint',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: Math.round(params.ratedSpeedRpm * 1.05),
        description: 'Speed setpoint of the drive (writable).',
        read: () => setpoints.speedRpm,
        write: (value) => (setpoints.speedRpm = value as number),
      },
      {
        name: 'efficiency',
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 100,
        noise: 0.2,
        description: 'Hydraulic efficiency at the operating point.',
        read: () => state.efficiency * 100,
      },
      {
        name: 'fluid-temperature',
        dataType: 'float',
        unit: '°C',
        min: -10,
        max: 120,
        noise: 0.1,
        description: 'Temperature of the pumped water; rises when throttled hard.',
        read: () => fluid.value,
      },
      { name: 'volume-total', dataType: 'float', unit: 'm³', min: 0, description: 'Pumped volume since start (counter).', read: () => state.volumeM3 },
      ...driveTags(drive, 'main motor', true),
      ...bearingTemperatureTags(rotor),
      ...vibrationTags(rotor),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive, true),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, valve, flow, fluid],
      cycleSeconds: () => core.idealCycleSeconds,
      step(dtS) {
        const on = core.state === 'running';
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        stepRotor(rotor, dtS, on ? setpoints.speedRpm : 0, state.load, ambient, faults);
        const speedRatio = rotor.speed.value / params.ratedSpeedRpm;
        follow(valve, setpoints.valvePercent, dtS);
        const headLoss = 0.3 * faults.cavitation;
        const surge = faults.cavitation > 0 ? 1 + 0.08 * faults.cavitation * core.random.gaussian() : 1;
        const q = follow(flow, operatingFlow(curve, speedRatio, valve.value / 100, headLoss) * surge, dtS);
        state.headM = pumpHead(curve, speedRatio, q, headLoss);
        state.suctionBar = 0.5 - 0.6 * faults.cavitation;
        state.efficiency = speedRatio > 0.02 ? pumpEfficiency(curve, speedRatio, q) * (1 - 0.2 * faults.cavitation) : 0;
        state.volumeM3 += (q * dtS) / 3_600;
        const shaftKw = Math.max(hydraulicPowerKw(q, state.headM) / Math.max(state.efficiency, 0.05), 0.35 * bestPowerKw * speedRatio ** 3);
        state.load = on ? shaftKw / params.ratedPowerKw + 0.03 * faults.wear : 0;
        stepDrive(drive, params, dtS, state.load, on, ambient, faults.overheating);
        const throttling = Math.max(0, 1 - q / params.ratedFlowM3h);
        follow(fluid, ambient - 4 + (on ? 2 + 8 * throttling * throttling : 0), dtS);
      },
    };
  },
};
