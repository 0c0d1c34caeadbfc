import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';

export interface SchemaProblem {
  /** Where the value came from: a file name, `environment`, `defaults`. */
  readonly source: string;
  /** Key path, e.g. `api.port` or `sites[0].areas[1].name`. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  /** A problem beyond the schema's shape (a duplicate id, an unknown unit), said whole: printed instead of expected/found. */
  readonly message?: string;
}

/**
 * Checks a value (a parsed configuration or description file) against a TypeBox schema and says,
 * for every problem, the key path, what was expected and what was found. Unknown keys are problems.
 * `sourceOf` names where the value at a key path came from.
 */
export function schemaProblems(schema: TSchema, value: unknown, sourceOf: (keys: readonly string[]) => string): SchemaProblem[] {
  const byPath = new Map<string, { keys: string[]; expected: Set<string> }>();
  const unknownKeys: SchemaProblem[] = [];
  for (const error of allErrors(schema, value)) {
    const keys = error.instancePath
      .split('/')
      .slice(1)
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      for (const key of (params['additionalProperties'] as string[] | undefined) ?? []) {
        const path = [...keys, key];
        unknownKeys.push({
          source: sourceOf(path),
          path: formatPath(path),
          expected: `no such key (known: ${knownKeys(schema, keys).join(', ')})`,
          found: `"${key}"`,
        });
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
    problems.push({ source: sourceOf(keys), path: formatPath(keys), expected: [...expected].join(' or '), found: describeValue(valueAt(value, keys)) });
  }
  return problems;
}

export function formatProblems(problems: readonly SchemaProblem[]): string {
  return problems
    .map((problem) =>
      problem.message !== undefined
        ? `${problem.source}: ${problem.path}: ${problem.message}`
        : `${problem.source}: ${problem.path}: expected ${problem.expected}, found ${problem.found}`,
    )
    .join('\n');
}

/** `['sites', '0', 'name']` → `sites[0].name`. */
export function formatPath(keys: readonly string[]): string {
  if (keys.length === 0) return '(root)';
  return keys.map((key, index) => (/^\d+$/.test(key) ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list ${JSON.stringify(value).slice(0, 60)}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
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
    case 'minItems':
      return `at least ${String(params['limit'])} entries`;
    case 'maxItems':
      return `at most ${String(params['limit'])} entries`;
    case 'pattern':
      return `text matching ${String(params['pattern'])}`;
    default:
      return message;
  }
}

function knownKeys(schema: unknown, keys: readonly string[]): string[] {
  let current: unknown = schema;
  for (const key of keys) {
    if (!isRecord(current)) return [];
    if (current['type'] === 'array') current = current['items'];
    else if (isRecord(current['properties'])) current = current['properties'][key];
    else return [];
  }
  const properties = isRecord(current) ? current['properties'] : undefined;
  if (isRecord(properties)) return Object.keys(properties);
  const branches = isRecord(current) ? current['anyOf'] : undefined;
  if (Array.isArray(branches))
    return branches.flatMap((branch: unknown) => (isRecord(branch) && isRecord(branch['properties']) ? Object.keys(branch['properties']) : []));
  return [];
}

function valueAt(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) || Array.isArray(current) ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** TypeBox stops at 8 errors by default; a file with more problems should hear of all of them. */
function allErrors(schema: TSchema, value: unknown): ReturnType<typeof Value.Errors> {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 1_000 });
  try {
    return Value.Errors(schema, value);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}
