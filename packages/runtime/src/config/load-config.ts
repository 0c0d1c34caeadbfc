import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '@shopfloor/model';
import { describeValue, formatProblems, schemaProblems, type SchemaProblem } from '@shopfloor/engine';
import type { TSchema } from 'typebox';
import { nodeConfigSchema, nodeDefaults, type NodeConfig } from './node-config.ts';
import { workloadProblems } from '../edge/workload-config.ts';
import { simulateConfigSchema, simulateDefaults, type SimulateConfig } from './simulate-config.ts';

export type ConfigProblem = SchemaProblem;
export { formatProblems };

export type Loaded<T> = { ok: true; config: T; sources: string[] } | { ok: false; problems: ConfigProblem[] };
export type LoadedConfig = Loaded<NodeConfig>;

const envPrefix = 'SHOPFLOOR_';

/**
 * Defaults ← YAML file ← environment (`SHOPFLOOR_API__PORT=9090`: `__` separates keys, values are YAML
 * scalars), validated once against the composed schema. Unknown keys are refused.
 */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const loaded = loadConfigWith<NodeConfig>(nodeConfigSchema, nodeDefaults, file, env);
  if (!loaded.ok) return loaded;
  // What the schema cannot say: duplicate ids and tags, unknown units, contradicting rules.
  const problems = workloadProblems(loaded.config, file ?? 'defaults');
  return problems.length > 0 ? { ok: false, problems } : loaded;
}

/** The configuration of `shopfloor simulate`, loaded the same way. */
export function loadSimulateConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Loaded<SimulateConfig> {
  return loadConfigWith<SimulateConfig>(simulateConfigSchema, simulateDefaults, file, env);
}

function loadConfigWith<T>(schema: TSchema, defaults: T, file: string | undefined, env: NodeJS.ProcessEnv): Loaded<T> {
  const sources = ['defaults'];
  let fromFile: unknown = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      return { ok: false, problems: [{ source: file, path: '(file)', expected: 'a readable YAML file', found: (error as Error).message }] };
    }
    try {
      fromFile = parseYaml(text) ?? {};
    } catch (error) {
      const where = error instanceof YAMLParseError && error.linePos !== undefined ? ` at line ${error.linePos[0].line}` : '';
      return {
        ok: false,
        problems: [{ source: file, path: '(file)', expected: 'valid YAML', found: `a syntax error${where}: ${(error as Error).message.split('\n')[0] ?? ''}` }],
      };
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      return { ok: false, problems: [{ source: file, path: '(root)', expected: 'a mapping of sections', found: describeValue(fromFile) }] };
    }
    sources.push(file);
  }
  const fromEnv = environmentOverrides(env);
  if (Object.keys(fromEnv).length > 0) sources.push('environment');

  // Each problem is attributed to the source that set the key: environment, file or defaults.
  const merged = merge(merge(structuredClone(defaults), fromFile), fromEnv);
  const problems = schemaProblems(schema, merged, (path) =>
    hasPath(fromEnv, path) ? 'environment' : file !== undefined && hasPath(fromFile, path) ? file : 'defaults',
  );
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: merged as T, sources };
}

/** Throws InputError (SF_CONFIG_INVALID) listing every problem. */
export function requireConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  return required(loadConfig(file, env));
}

export function requireSimulateConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): SimulateConfig {
  return required(loadSimulateConfig(file, env));
}

function required<T>(loaded: Loaded<T>): T {
  if (!loaded.ok) throw new InputError('SF_CONFIG_INVALID', `configuration is invalid:\n${formatProblems(loaded.problems)}`);
  return loaded.config;
}

function environmentOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(envPrefix) || raw === undefined) continue;
    const keys = name.slice(envPrefix.length).split('__').map(camelCase);
    let target = result;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    let value: unknown = raw;
    try {
      value = parseYaml(raw);
    } catch {
      value = raw;
    }
    target[keys[keys.length - 1] as string] = value;
  }
  return result;
}

function camelCase(envKey: string): string {
  return envKey.toLowerCase().replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Keys whose value is a union of single-key objects: `mqtt.broker`, `edge.uplink.transport`, `hub.receiver.transport`. */
const unionKeys: ReadonlySet<string> = new Set(['broker', 'transport']);

function merge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // Choosing the other branch of a union (embedded ↔ external broker, mqtt ↔ jetstream transport)
    // replaces the branch; settings within the same branch merge as usual.
    const current = base[key];
    const switchesBranch = unionKeys.has(key) && isRecord(value) && isRecord(current) && !Object.keys(value).every((branch) => branch in current);
    result[key] = switchesBranch ? value : key in base ? merge(current, value) : value;
  }
  return result;
}

function hasPath(value: unknown, keys: readonly string[]): boolean {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
