import { schemaProblems, type Processor } from '@shopfloor/engine';
import { InputError, tagFilterProblem } from '@shopfloor/model';
import { Aggregate } from './aggregate.ts';
import { processorDefaults, processorSchemas, type ProcessorConfig, type ProcessorType } from './config.ts';
import { Deadband } from './deadband.ts';
import { EdgeModelRegistry, type EdgeModelDefinition } from './edge-model.ts';
import { LinearTransform } from './linear-transform.ts';
import { ModelProcessor } from './model-processor.ts';
import { zscoreModelDefinition } from './models/zscore-model.ts';
import { RateLimit } from './rate-limit.ts';
import { TagMatcher } from './tag-matcher.ts';
import { knownUnits, unitConversion } from './units.ts';

/** A registry with the built-in models (zscore) and any given. */
export function createEdgeModelRegistry(definitions: readonly EdgeModelDefinition[] = []): EdgeModelRegistry {
  return new EdgeModelRegistry([zscoreModelDefinition, ...definitions]);
}

/**
 * Everything wrong with a processors list, one line each, naming the key path
 * (`processors[3].to: unknown unit "degK"; known: K, °C, …`): the schema of each entry's type,
 * tag filters, units, aggregate functions, model names and model parameters. Empty when valid.
 */
export function processorsConfigProblems(config: unknown, registry: EdgeModelRegistry = createEdgeModelRegistry(), keyPath = 'processors'): string[] {
  if (!Array.isArray(config)) return [`${keyPath}: expected a list of processors, found ${typeof config}`];
  const problems: string[] = [];
  config.forEach((entry: unknown, index) => {
    const at = `${keyPath}[${index}]`;
    const type = typeof entry === 'object' && entry !== null ? (entry as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !(type in processorSchemas)) {
      problems.push(`${at}.type: expected one of ${Object.keys(processorSchemas).join(', ')}, found ${JSON.stringify(type) ?? 'nothing'}`);
      return;
    }
    const structural = schemaProblems(processorSchemas[type as ProcessorType], entry, () => '');
    for (const problem of structural)
      problems.push(`${at}${problem.path === '(root)' ? '' : `.${problem.path}`}: expected ${problem.expected}, found ${problem.found}`);
    if (structural.length === 0) problems.push(...semanticProblems(entry as ProcessorConfig, at, registry));
  });
  return problems;
}

function semanticProblems(entry: ProcessorConfig, at: string, registry: EdgeModelRegistry): string[] {
  const problems: string[] = [];
  entry.tags.forEach((filter, index) => {
    const problem = tagFilterProblem(filter);
    if (problem !== undefined) problems.push(`${at}.tags[${index}]: tag filter "${filter}" ${problem}`);
  });
  switch (entry.type) {
    case 'convert': {
      const units = knownUnits().join(', ');
      for (const key of ['from', 'to'] as const) {
        const conversion = unitConversion(entry[key], entry[key]);
        if ('problem' in conversion) problems.push(`${at}.${key}: ${conversion.problem}; known: ${units}`);
      }
      if (problems.length === 0) {
        const conversion = unitConversion(entry.from, entry.to);
        if ('problem' in conversion) problems.push(`${at}.to: ${conversion.problem}`);
      }
      break;
    }
    case 'aggregate': {
      const functions = entry.functions ?? [];
      const repeated = functions.filter((fn, index) => functions.indexOf(fn) !== index);
      if (repeated.length > 0) problems.push(`${at}.functions: "${repeated.join('", "')}" listed more than once`);
      break;
    }
    case 'model': {
      const definition = registry.get(entry.model);
      if (definition === undefined) {
        problems.push(`${at}.model: unknown model "${entry.model}"; known: ${registry.names().join(', ') || 'none'}`);
        break;
      }
      for (const problem of schemaProblems(definition.paramsSchema, entry.params ?? processorDefaults.model.params, () => '')) {
        problems.push(`${at}.params${problem.path === '(root)' ? '' : `.${problem.path}`}: expected ${problem.expected}, found ${problem.found}`);
      }
      break;
    }
    case 'scale':
    case 'deadband':
    case 'rate-limit':
      break;
  }
  return problems;
}

/**
 * The processors of a configuration, in order, for `PipelineDeps.processors`. InputError
 * (SF_CONFIG_INVALID) listing every problem, with its key path under `keyPath`, when the list is
 * not valid. `registry` supplies the models `model` entries name (default: the built-ins).
 */
export function createProcessors(config: unknown, registry: EdgeModelRegistry = createEdgeModelRegistry(), keyPath = 'processors'): Processor[] {
  const problems = processorsConfigProblems(config, registry, keyPath);
  if (problems.length > 0)
    throw new InputError('SF_CONFIG_INVALID', `${keyPath}: ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.join('\n')}`);
  return (config as ProcessorConfig[]).map((entry, index) => createProcessor(entry, `${entry.type}[${index}]`, registry));
}

function createProcessor(entry: ProcessorConfig, name: string, registry: EdgeModelRegistry): Processor {
  const matcher = new TagMatcher(entry.tags);
  switch (entry.type) {
    case 'scale':
      return new LinearTransform(name, matcher, entry.factor, entry.offset ?? processorDefaults.scale.offset);
    case 'convert': {
      const conversion = unitConversion(entry.from, entry.to);
      if ('problem' in conversion) throw new InputError('SF_CONFIG_INVALID', `${name}: ${conversion.problem}`);
      return new LinearTransform(name, matcher, conversion.factor, conversion.offset);
    }
    case 'deadband':
      return new Deadband(name, matcher, {
        band: entry.band,
        mode: entry.mode ?? processorDefaults.deadband.mode,
        maxSilenceMs: entry.maxSilenceMs ?? processorDefaults.deadband.maxSilenceMs,
      });
    case 'rate-limit':
      return new RateLimit(name, matcher, entry.intervalMs);
    case 'aggregate':
      return new Aggregate(name, matcher, {
        windowMs: entry.windowMs,
        functions: entry.functions ?? processorDefaults.aggregate.functions,
        keepRaw: entry.keepRaw ?? processorDefaults.aggregate.keepRaw,
        graceMs: entry.graceMs ?? processorDefaults.aggregate.graceMs,
      });
    case 'model': {
      const definition = registry.get(entry.model);
      if (definition === undefined) throw new InputError('SF_CONFIG_INVALID', `${name}: unknown model "${entry.model}"`);
      return new ModelProcessor(name, matcher, definition.create(entry.params ?? processorDefaults.model.params, entry.tags));
    }
  }
}
