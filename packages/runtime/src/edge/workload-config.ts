import { Type, type Static } from 'typebox';
import { modbusCollectorConfigProblems, modbusCollectorConfigSchema, modbusCollectorDefaults } from '@shopfloor/collector-modbus';
import { opcUaCollectorConfigSchema, opcUaCollectorDefaults, opcUaConfigProblems } from '@shopfloor/collector-opcua';
import { processorsConfigProblems, processorsConfigSchema } from '@shopfloor/processors';
import { ruleDefinitionSchema, ruleProblems } from '@shopfloor/alarms';
import { InputError } from '@shopfloor/model';
import { formatProblems, schemaProblems } from '@shopfloor/engine';

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
    rules: Type.Array(ruleDefinitionSchema, { description: 'Alarm rules (threshold, rate-of-change, state, stale), evaluated before storage.' }),
  },
  { additionalProperties: false },
);
export type Workload = Static<typeof workloadSchema>;

export const workloadDefaults: Workload = {
  collectors: { modbus: modbusCollectorDefaults, opcua: opcUaCollectorDefaults },
  processors: [],
  rules: [],
};

/**
 * Problems beyond the schema (duplicate tags, unknown units, rules that contradict themselves), one
 * line each as `source: key.path: problem`.
 */
export function workloadProblems(workload: Workload, source: string): string[] {
  const lines: string[] = [];
  for (const problem of modbusCollectorConfigProblems(workload.collectors.modbus)) lines.push(`${source}: collectors.modbus.${problem}`);
  for (const problem of opcUaConfigProblems(workload.collectors.opcua)) lines.push(`${source}: collectors.opcua.${problem.path}: ${problem.problem}`);
  for (const problem of processorsConfigProblems(workload.processors)) lines.push(`${source}: ${problem}`);
  for (const problem of formatProblems(ruleProblems(workload.rules, source)).split('\n')) if (problem !== '') lines.push(problem);
  return lines;
}

/** Validates a document pushed by the hub: the schema first, then the semantic checks; throws InputError naming every problem. */
export function parseWorkload(document: unknown, source = 'pushed configuration'): Workload {
  const shape = schemaProblems(workloadSchema, document, () => source);
  if (shape.length > 0) throw new InputError('SF_CONFIG_INVALID', `the configuration is invalid:\n${formatProblems(shape)}`);
  const workload = document as Workload;
  const problems = workloadProblems(workload, source);
  if (problems.length > 0) throw new InputError('SF_CONFIG_INVALID', `the configuration is invalid:\n${problems.join('\n')}`);
  return workload;
}
