import { Type, type Static } from 'typebox';
import { modbusCollectorConfigProblems, modbusCollectorConfigSchema, modbusCollectorDefaults } from '@shopfloor/collector-modbus';
import { opcUaCollectorConfigSchema, opcUaCollectorDefaults, opcUaConfigProblems } from '@shopfloor/collector-opcua';
import { processorsConfigProblems, processorsConfigSchema, waveformInputProblems, waveformInputsSchema } from '@shopfloor/processors';
import { ruleDefinitionSchema, ruleProblems } from '@shopfloor/alarms';
import { InputError } from '@shopfloor/model';
import { formatProblems, schemaProblems, type SchemaProblem } from '@shopfloor/engine';

/**
 * What a node collects and computes: its collectors, processors and alarm rules. It is part of the
 * node's file, and the part a hub may push to an edge (versioned) — one schema for both.
 */
export const workloadSchema = Type.Object(
  {
    collectors: Type.Object(
      {
        modbus: modbusCollectorConfigSchema,
        opcua: opcUaCollectorConfigSchema,
      },
      { additionalProperties: false, description: 'Pollers and clients that read devices next to the machines.' },
    ),
    processors: processorsConfigSchema,
    vibration: waveformInputsSchema,
    rules: Type.Array(ruleDefinitionSchema, { description: 'Alarm rules (threshold, rate-of-change, state, stale), evaluated before storage.' }),
  },
  { additionalProperties: false },
);
export type Workload = Static<typeof workloadSchema>;

export const workloadDefaults: Workload = {
  collectors: { modbus: modbusCollectorDefaults, opcua: opcUaCollectorDefaults },
  processors: [],
  vibration: [],
  rules: [],
};

/** Problems beyond the schema (duplicate tags, unknown units, rules that contradict themselves), each with its key path. */
export function workloadProblems(workload: Workload, source: string, prefix = ''): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (line: string, pathPrefix: string): void => {
    const split = line.indexOf(': ');
    const path = split < 0 ? '(root)' : line.slice(0, split);
    problems.push({ source, path: `${prefix}${pathPrefix}${path}`, expected: '', found: '', message: split < 0 ? line : line.slice(split + 2) });
  };
  for (const problem of modbusCollectorConfigProblems(workload.collectors.modbus)) add(problem, 'collectors.modbus.');
  for (const problem of opcUaConfigProblems(workload.collectors.opcua))
    problems.push({ source, path: `${prefix}collectors.opcua.${problem.path}`, expected: '', found: '', message: problem.problem });
  for (const problem of processorsConfigProblems(workload.processors)) add(problem, '');
  for (const problem of waveformInputProblems(workload.vibration)) add(problem, '');
  for (const problem of ruleProblems(workload.rules, source)) problems.push({ ...problem, path: `${prefix}${problem.path}` });
  return problems;
}

/**
 * Validates a document pushed by the hub: the schema first, then the semantic checks; throws
 * InputError naming every problem. The document is the whole workload: a section it leaves out
 * (`vibration`, `collectors.opcua`, …) is empty, not kept from the running version.
 */
export function parseWorkload(document: unknown, source = 'pushed configuration'): Workload {
  const filled = withEmptySections(document);
  const shape = schemaProblems(workloadSchema, filled, () => source);
  if (shape.length > 0) throw new InputError('SF_CONFIG_INVALID', `the configuration is invalid:\n${formatProblems(shape)}`);
  const workload = filled as Workload;
  const problems = workloadProblems(workload, source);
  if (problems.length > 0) throw new InputError('SF_CONFIG_INVALID', `the configuration is invalid:\n${formatProblems(problems)}`);
  return workload;
}

function withEmptySections(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const given = document as Record<string, unknown>;
  const collectors = given['collectors'];
  return {
    ...workloadDefaults,
    ...given,
    ...(typeof collectors === 'object' && collectors !== null && !Array.isArray(collectors)
      ? { collectors: { ...workloadDefaults.collectors, ...(collectors as Record<string, unknown>) } }
      : {}),
  };
}
