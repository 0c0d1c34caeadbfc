import { schemaProblems } from '@shopfloor/engine';
import { InputError } from '@shopfloor/model';
import { vibrationConfigSchema, type VibrationConfig } from './config.ts';
import { VibrationFeatureExtractor } from './vibration-feature-extractor.ts';

/** Everything wrong with a vibration configuration, one line each with its key path under `keyPath`; empty when valid. */
export function vibrationConfigProblems(config: unknown, keyPath = 'vibration'): string[] {
  const structural = schemaProblems(vibrationConfigSchema, config, () => '').map(
    (problem) => `${keyPath}${problem.path === '(root)' ? '' : `.${problem.path}`}: expected ${problem.expected}, found ${problem.found}`,
  );
  if (structural.length > 0) return structural;
  const valid = config as VibrationConfig;
  const problems: string[] = [];
  const seen = new Set<string>();
  valid.bands.forEach((band, index) => {
    if (band.fromHz >= band.toHz) problems.push(`${keyPath}.bands[${index}]: fromHz ${band.fromHz} is not below toHz ${band.toHz}`);
    if (seen.has(band.name)) problems.push(`${keyPath}.bands[${index}].name: "${band.name}" is used by an earlier band`);
    seen.add(band.name);
  });
  if (valid.bearing !== undefined && valid.bearing.ballDiameterMm >= valid.bearing.pitchDiameterMm)
    problems.push(
      `${keyPath}.bearing: ballDiameterMm ${valid.bearing.ballDiameterMm} is not below pitchDiameterMm ${valid.bearing.pitchDiameterMm} (the balls sit on the pitch circle)`,
    );
  const sources = (['bearing', 'defectOrders', 'defectHz'] as const).filter((key) => valid[key] !== undefined);
  if (sources.length > 1) problems.push(`${keyPath}: give the defect frequencies one way, not ${sources.join(' and ')}`);
  return problems;
}

/** A feature extractor for a checked configuration; InputError (SF_CONFIG_INVALID) listing every problem otherwise. */
export function createVibrationExtractor(config: unknown, keyPath = 'vibration'): VibrationFeatureExtractor {
  const problems = vibrationConfigProblems(config, keyPath);
  if (problems.length > 0)
    throw new InputError('SF_CONFIG_INVALID', `${keyPath}: ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.join('\n')}`);
  return new VibrationFeatureExtractor(config as VibrationConfig);
}
