import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { describeValue, formatProblems, schemaProblems, type SchemaProblem } from '@shopfloor/engine';
import { InputError } from '@shopfloor/model';
import { descriptionProblems } from './description-problems.ts';
import { plantDescriptionSchema, type PlantDescription } from './plant-description.ts';

/** Every problem of a parsed plant description (schema, then references); empty when it is valid. */
export function plantDescriptionProblems(value: unknown, sourceName: string): SchemaProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      {
        source: sourceName,
        path: '(root)',
        expected: 'a mapping with enterprise, sites and optionally seed, startTime, shifts, faults',
        found: describeValue(value),
      },
    ];
  }
  const problems = schemaProblems(plantDescriptionSchema, value, () => sourceName);
  if (problems.length > 0) return problems;
  return descriptionProblems(value as PlantDescription, sourceName);
}

/** Parses and checks a plant description in YAML (or JSON); InputError SF_CONFIG_INVALID lists every problem. */
export function parsePlantDescription(text: string, sourceName: string): PlantDescription {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos !== undefined ? ` at line ${error.linePos[0].line}` : '';
    throw invalid([
      { source: sourceName, path: '(file)', expected: 'valid YAML', found: `a syntax error${where}: ${(error as Error).message.split('\n')[0] ?? ''}` },
    ]);
  }
  return checkedDescription(value, sourceName);
}

/** Checks a description built in code (tests, generators) like one read from a file. */
export function checkedDescription(value: unknown, sourceName: string): PlantDescription {
  const problems = plantDescriptionProblems(value, sourceName);
  if (problems.length > 0) throw invalid(problems);
  return value as PlantDescription;
}

/** Reads, parses and checks a plant file. */
export function loadPlantDescription(file: string): PlantDescription {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid([{ source: file, path: '(file)', expected: 'a readable YAML file', found: (error as Error).message }]);
  }
  return parsePlantDescription(text, file);
}

function invalid(problems: readonly SchemaProblem[]): InputError {
  return new InputError('SF_CONFIG_INVALID', `plant description is invalid:\n${formatProblems(problems)}`);
}
