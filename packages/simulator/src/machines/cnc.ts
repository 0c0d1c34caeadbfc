import { createDrive, stepDrive } from '../physics/drive.ts';
import { createLag, follow } from '../physics/lag.ts';
import { createWander, stepWander } from '../physics/wander.ts';
import type { MachineModel, TagDefinition } from './machine-behaviour.ts';
import { isEnergised } from './machine-core.ts';
import { createRotor, rotorLags, stepRotor } from './rotor.ts';
import { bearingTemperatureTags, driveAlarms, driveTags, meterTags, productionTags, statusTags, vibrationTags } from './standard-tags.ts';

const programFeedMmMin = 2_400;
const toolLifeParts = 400;
const tools = 24;
/** Share of the cycle at 100 % feed: clamping, cutting, tool change and unloading. */
const clampShare = 0.08;
const cutShare = 0.8;

/**
 * A machining centre. Each part: clamp (spindle stopped), cut (spindle at the programmed speed
 * times the spindle override, feed times the feed override, load rising with tool wear), tool
 * change and unload. A higher feed override shortens the cut and loads the spindle more.
 */
export const cncModel: MachineModel = {
  type: 'cnc',
  station: true,
  paramKeys: ['maxSpindleRpm'],
  defaults: { ratedPowerKw: 18, ratedSpeedRpm: 8_000, bearing: { balls: 18, ballDiameterMm: 11.1, pitchDiameterMm: 92.5, contactAngleDeg: 15 } },
  scrapRate: 0.015,
  reliability: { shortStopMtbfMinutes: 90, shortStopSeconds: [30, 240], breakdownMtbfHours: 250, mttrMinutes: 75 },
  changeover: { everyParts: 300, minutes: 25 },
  create(core, params) {
    const ambientC = core.environment.ambientC;
    const drive = createDrive(params, ambientC);
    const rotor = createRotor(params.ratedSpeedRpm, params.bearing, { baseVelocityMmS: 0.8, noiseG: 0.04, resonanceHz: 4_200 }, 78, ambientC);
    const setpoints = { feedOverride: 100, spindleOverride: 100 };
    const coolant = createLag(ambientC + 2, 900);
    const coolantPressure = createLag(0, 1);
    const variation = createWander(0.05, 20);
    const state = { cutting: false, load: 0, feedMmMin: 0, toolNumber: 1, toolWear: 0, cyclesSeen: core.cycles };
    const feedFactor = (): number => setpoints.feedOverride / 100;
    const axisLoad = (phase: number, share: number) => () =>
      state.cutting ? 100 * share * state.load * (0.8 + 0.2 * Math.sin(2 * Math.PI * (core.cycleProgress * 7 + phase))) : 2;
    const tags: TagDefinition[] = [
      {
        name: 'spindle-speed',
        dataType: 'float',
        unit: 'rpm',
        min: 0,
        max: params.maxSpindleRpm,
        noise: 1,
        description: 'Spindle speed.',
        read: () => rotor.speed.value,
      },
      {
        name: 'spindle-override',
        dataType: 'float',
        unit: '%',
        min: 50,
        max: 120,
        description: 'Spindle speed override (writable).',
        read: () => setpoints.spindleOverride,
        write: (value) => (setpoints.spindleOverride = value as number),
      },
      { name: 'feed-rate', dataType: 'float', unit: 'mm/min', min: 0, max: 20_000, noise: 2, description: 'Path feed rate.', read: () => state.feedMmMin },
      {
        name: 'feed-override',
        dataType: 'float',
        unit: '%',
        min: 10,
        max: 150,
        description: 'Feed override; changes the cutting time and the spindle load (writable).',
        read: () => setpoints.feedOverride,
        write: (value) => (setpoints.feedOverride = value as number),
      },
      {
        name: 'spindle-load',
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 200,
        noise: 0.5,
        description: 'Spindle load, % of rated power.',
        read: () => state.load * 100,
      },
      { name: 'axis-load-x', dataType: 'float', unit: '%', min: 0, max: 200, noise: 0.5, description: 'X axis drive load.', read: axisLoad(0, 0.5) },
      { name: 'axis-load-y', dataType: 'float', unit: '%', min: 0, max: 200, noise: 0.5, description: 'Y axis drive load.', read: axisLoad(0.3, 0.45) },
      { name: 'axis-load-z', dataType: 'float', unit: '%', min: 0, max: 200, noise: 0.5, description: 'Z axis drive load.', read: axisLoad(0.6, 0.7) },
      {
        name: 'coolant-temperature',
        dataType: 'float',
        unit: '°C',
        min: 0,
        max: 80,
        noise: 0.1,
        description: 'Coolant tank temperature.',
        read: () => coolant.value,
      },
      {
        name: 'coolant-pressure',
        dataType: 'float',
        unit: 'bar',
        min: 0,
        max: 80,
        noise: 0.1,
        description: 'Through-spindle coolant pressure.',
        read: () => coolantPressure.value,
      },
      { name: 'tool-number', dataType: 'int', min: 1, max: tools, description: 'Tool in the spindle.', read: () => state.toolNumber },
      {
        name: 'tool-wear',
        dataType: 'float',
        unit: '%',
        min: 0,
        max: 100,
        description: 'Used life of the tool in the spindle.',
        read: () => state.toolWear * 100,
      },
      { name: 'program', dataType: 'string', description: 'Active part program.', read: () => 'O1001' },
      ...driveTags(drive, 'spindle motor'),
      ...bearingTemperatureTags(rotor),
      ...vibrationTags(rotor, ['x']),
      ...statusTags(core, driveAlarms(drive, rotor)),
      ...meterTags(drive),
      ...productionTags(core),
    ];
    return {
      tags,
      rotor,
      lags: [...rotorLags(rotor), drive.winding, coolant, coolantPressure],
      cycleSeconds: () => core.idealCycleSeconds * (1 - cutShare + cutShare / feedFactor()),
      scrapProbability: () => cncModel.scrapRate + 0.04 * state.toolWear ** 3,
      step(dtS) {
        const ambient = core.environment.ambientC;
        const faults = core.faults;
        if (core.cycles !== state.cyclesSeen) {
          state.toolWear += (core.cycles - state.cyclesSeen) / toolLifeParts;
          state.cyclesSeen = core.cycles;
          if (state.toolWear >= 1) {
            state.toolWear = 0;
            state.toolNumber = (state.toolNumber % tools) + 1;
          }
        }
        const total = 1 - cutShare + cutShare / feedFactor();
        const cutFrom = clampShare / total;
        const cutTo = (clampShare + cutShare / feedFactor()) / total;
        state.cutting = core.state === 'running' && core.cycleProgress >= cutFrom && core.cycleProgress < cutTo;
        const spindleRpm = state.cutting ? Math.min(params.maxSpindleRpm, (params.ratedSpeedRpm * setpoints.spindleOverride) / 100) : 0;
        stepRotor(rotor, dtS, spindleRpm, state.load, ambient, faults);
        const wobble = stepWander(variation, dtS, core.random);
        state.load = state.cutting ? Math.max(0, 0.45 * feedFactor() ** 0.7 * (1 + 0.4 * state.toolWear) * (1 + wobble) + 0.05 * faults.wear) : 0;
        state.feedMmMin = state.cutting ? programFeedMmMin * feedFactor() : 0;
        stepDrive(drive, params, dtS, state.load, isEnergised(core.state), ambient, faults.overheating);
        follow(coolant, ambient + (isEnergised(core.state) ? 4 + 6 * state.load : 0), dtS);
        follow(coolantPressure, state.cutting ? 20 : 0, dtS);
      },
    };
  },
};
