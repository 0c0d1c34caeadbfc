import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { Value } from 'typebox/value';
import { InputError } from '@shopfloor/model';
import { nodeConfigSchema, nodeDefaults, type NodeConfig } from './node-config.ts';

export interface ConfigProblem {
  /** Where the value came from: the file name, `environment` or `defaults`. */
  readonly source: string;
  /** Key path, e.g. `api.port`. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

export type LoadedConfig = { ok: true; config: NodeConfig; sources: string[] } | { ok: false; problems: ConfigProblem[] };

const envPrefix = 'SHOPFLOOR_';

/**
 * Defaults ← YAML file ← environment (`SHOPFLOOR_API__PORT=9090`: `__` separates keys, values are YAML
 * scalars), validated once against the composed schema. Unknown keys are refused.
 */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
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
      return { ok: false, problems: [{ source: file, path: '(file)', expected: 'valid YAML', found: `a syntax error${where}: ${(error as Error).message.split('\n')[0] ?? ''}` }] };
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      return { ok: false, problems: [{ source: file, path: '(root)', expected: 'a mapping of sections (node, mqtt, store, api, ...)', found: describe(fromFile) }] };
    }
    sources.push(file);
  }
  const fromEnv = environmentOverrides(env);
  if (Object.keys(fromEnv).length > 0) sources.push('environment');

  // Each problem is attributed to the source that set the key: environment, file or defaults.
  const merged = merge(merge(structuredClone(nodeDefaults), fromFile), fromEnv);
  const problems = problemsOf(merged, (path) => (hasPath(fromEnv, path) ? 'environment' : file !== undefined && hasPath(fromFile, path) ? file : 'defaults'));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: merged as NodeConfig, sources };
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `${problem.source}: ${problem.path}: expected ${problem.expected}, found ${problem.found}`).join('\n');
}

/** Throws InputError (SF_CONFIG_INVALID) listing every problem. */
export function requireConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const loaded = loadConfig(file, env);
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

function merge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // Choosing the other branch of a union (embedded ↔ external broker) replaces the branch;
    // settings within the same branch merge as usual.
    const current = base[key];
    const switchesBranch = key === 'broker' && isRecord(value) && isRecord(current) && !Object.keys(value).every((branch) => branch in current);
    result[key] = switchesBranch ? value : key in base ? merge(current, value) : value;
  }
  return result;
}

function problemsOf(value: unknown, sourceOf: (path: string[]) => string): ConfigProblem[] {
  const byPath = new Map<string, { keys: string[]; expected: Set<string> }>();
  const unknownKeys: ConfigProblem[] = [];
  for (const error of Value.Errors(nodeConfigSchema, value)) {
    const keys = error.instancePath.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      for (const key of (params['additionalProperties'] as string[] | undefined) ?? []) {
        const path = [...keys, key];
        unknownKeys.push({ source: sourceOf(path), path: path.join('.'), expected: `no such key (known: ${knownKeys(keys).join(', ')})`, found: `"${key}"` });
      }
      continue;
    }
    if (error.keyword === 'boolean' || error.keyword === 'anyOf') continue;
    const entry = byPath.get(error.instancePath) ?? { keys, expected: new Set<string>() };
    entry.expected.add(expectation(error.keyword, params, error.message));
    byPath.set(error.instancePath, entry);
  }
  const problems = [...unknownKeys];
  for (const { keys, expected } of byPath.values()) {
    problems.push({ source: sourceOf(keys), path: keys.join('.') || '(root)', expected: [...expected].join(' or '), found: describe(valueAt(value, keys)) });
  }
  return problems;
}

function expectation(keyword: string, params: Record<string, unknown>, message: string): string {
  switch (keyword) {
    case 'const':
      return JSON.stringify(params['allowedValue']);
    case 'type':
      return `a value of type ${String(params['type'])}`;
    case 'required':
      return `the key "${String((params['requiredProperties'] as string[] | undefined)?.join('", "') ?? params['missingProperty'])}"`;
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return `a number ${String(params['comparison'])} ${String(params['limit'])}`;
    case 'minLength':
      return `at least ${String(params['limit'])} characters`;
    case 'maxLength':
      return `at most ${String(params['limit'])} characters`;
    case 'pattern':
      return `text matching ${String(params['pattern'])}`;
    default:
      return message;
  }
}

function knownKeys(keys: string[]): string[] {
  let schema: unknown = nodeConfigSchema;
  for (const key of keys) {
    const properties = isRecord(schema) ? schema['properties'] : undefined;
    schema = isRecord(properties) ? properties[key] : undefined;
  }
  const properties = isRecord(schema) ? schema['properties'] : undefined;
  if (isRecord(properties)) return Object.keys(properties);
  const branches = isRecord(schema) ? schema['anyOf'] : undefined;
  if (Array.isArray(branches)) return branches.flatMap((branch: unknown) => (isRecord(branch) && isRecord(branch['properties']) ? Object.keys(branch['properties']) : []));
  return [];
}

function valueAt(value: unknown, keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function hasPath(value: unknown, keys: string[]): boolean {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list ${JSON.stringify(value).slice(0, 60)}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
