export { machineTypes, machineStates, faultKinds } from './plant-api.ts';
export type {
  MachineType,
  MachineState,
  FaultKind,
  SimTag,
  MachineInfo,
  FaultOptions,
  FaultLabel,
  WaveformBlock,
  ProductionCounters,
  PlantEvent,
  Plant,
} from './plant-api.ts';
export { createPlant, plantOptionDefaults } from './plant/create-plant.ts';
export type { PlantOptions } from './plant/create-plant.ts';
export {
  plantDescriptionSchema,
  machineDescriptionSchema,
  machineParamsSchema,
  bearingGeometrySchema,
  faultDescriptionSchema,
  plantDefaults,
} from './description/plant-description.ts';
export type {
  PlantDescription,
  SiteDescription,
  AreaDescription,
  LineDescription,
  CellDescription,
  MachineDescription,
  MachineParams,
  BearingGeometry,
  TagOverride,
  ShiftDescription,
  FaultDescription,
  PlantDefaults,
} from './description/plant-description.ts';
export { loadPlantDescription, parsePlantDescription, plantDescriptionProblems, checkedDescription } from './description/parse-plant-description.ts';
export { defaultPlantDescription } from './description/default-plant.ts';
export { multiSitePlant, scalePlant } from './description/scale-plant.ts';
export { machineTagCatalogue } from './machines/tag-catalogue.ts';
export type { TagCatalogueEntry } from './machines/tag-catalogue.ts';
export { bearingFrequencies } from './vibration/bearing-frequencies.ts';
export type { BearingFrequencies } from './vibration/bearing-frequencies.ts';
export { waveformDefaults } from './vibration/ring-kernel.ts';
export { createSimulationClock } from './simulation-clock.ts';
export type { SimulationClock, SimulationClockOptions, SimulationClockDeps } from './simulation-clock.ts';
export { createReplayPlant } from './replay/replay-plant.ts';
export type { ReplaySource, ReplayOptions } from './replay/replay-plant.ts';
export { recordPlant } from './replay/record-plant.ts';
export { parseRecordingCsv } from './replay/recording-csv.ts';
export type { RecordedPoint } from './replay/recording-csv.ts';
export { simulatorConfigSchema, simulatorDefaults } from './config.ts';
export type { SimulatorConfig } from './config.ts';
