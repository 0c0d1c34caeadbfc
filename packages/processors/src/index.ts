export {
  processorsConfigSchema,
  processorConfigSchema,
  scaleProcessorSchema,
  convertProcessorSchema,
  deadbandProcessorSchema,
  rateLimitProcessorSchema,
  aggregateProcessorSchema,
  modelProcessorSchema,
  processorsDefaults,
  processorDefaults,
  aggregateFunctions,
} from './config.ts';
export type { ProcessorsConfig, ProcessorConfig, ProcessorType, AggregateFunction } from './config.ts';
export { createProcessors, processorsConfigProblems, createEdgeModelRegistry } from './create-processors.ts';
export { EdgeModelRegistry } from './edge-model.ts';
export type { EdgeModel, EdgeModelDefinition } from './edge-model.ts';
export { ZscoreModel, zscoreModelDefinition, zscoreParamsSchema, zscoreDefaults } from './models/zscore-model.ts';
export type { ZscoreParams } from './models/zscore-model.ts';
export { TagMatcher } from './tag-matcher.ts';
export { LinearTransform } from './linear-transform.ts';
export { Deadband } from './deadband.ts';
export type { DeadbandOptions } from './deadband.ts';
export { RateLimit } from './rate-limit.ts';
export { Aggregate, windowLabel } from './aggregate.ts';
export type { AggregateOptions } from './aggregate.ts';
export { ModelProcessor } from './model-processor.ts';
export { unitConversion, unitQuantity, knownUnits, unitsByQuantity } from './units.ts';
export type { UnitConversion } from './units.ts';
export { vibrationConfigSchema, vibrationDefaults, bearingGeometrySchema } from './vibration/config.ts';
export type { VibrationConfig, BearingGeometry } from './vibration/config.ts';
export { bearingDefectOrders } from './vibration/bearing-orders.ts';
export type { DefectOrders } from './vibration/bearing-orders.ts';
export { HannSpectrum } from './vibration/hann-spectrum.ts';
export { VibrationFeatureExtractor } from './vibration/vibration-feature-extractor.ts';
export type { DefectFrequencies } from './vibration/vibration-feature-extractor.ts';
export { createVibrationExtractor, vibrationConfigProblems } from './vibration/create-vibration-extractor.ts';
export { waveformInputSchema, waveformInputsSchema, waveformInputProblems, createWaveformRouter } from './vibration/waveform-input.ts';
export type { WaveformInput, WaveformRouter } from './vibration/waveform-input.ts';
