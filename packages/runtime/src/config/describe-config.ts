import { nodeConfigSchema, nodeDefaults } from './node-config.ts';
import { simulateConfigSchema, simulateDefaults } from './simulate-config.ts';

export interface ConfigKey {
  readonly path: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
  readonly secret: boolean;
}

/** Every leaf key of the node configuration, with its type, default and description (docs/config.md). */
export function describeConfig(which: 'node' | 'simulate' = 'node'): ConfigKey[] {
  const keys: ConfigKey[] = [];
  if (which === 'node') walk(nodeConfigSchema, [], nodeDefaults, keys);
  else walk(simulateConfigSchema, [], simulateDefaults, keys);
  return keys;
}

export function configKeysMarkdown(which: 'node' | 'simulate' = 'node'): string {
  const rows = describeConfig(which).map((key) => `| \`${key.path}\` | ${key.type} | ${key.default} | ${key.description}${key.secret ? ' **Secret.**' : ''} |`);
  return ['| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function walk(schema: unknown, path: string[], defaults: unknown, out: ConfigKey[]): void {
  const node = schema as Record<string, unknown>;
  const properties = node['properties'] as Record<string, unknown> | undefined;
  if (node['type'] === 'object' && properties !== undefined) {
    for (const [key, child] of Object.entries(properties)) walk(child, [...path, key], (defaults as Record<string, unknown> | undefined)?.[key], out);
    return;
  }
  const branches = node['anyOf'] as Record<string, unknown>[] | undefined;
  if (branches !== undefined && branches.every((branch) => branch['type'] === 'object')) {
    for (const branch of branches) walk(branch, path, defaults, out);
    return;
  }
  const description = typeof node['description'] === 'string' ? node['description'] : '';
  out.push({
    path: path.join('.'),
    type: typeOf(node),
    default: defaults === undefined ? '—' : `\`${JSON.stringify(defaults)}\``,
    description: description === 'secret' ? '' : description,
    secret: description === 'secret' || path[path.length - 1] === 'password',
  });
}

function typeOf(node: Record<string, unknown>): string {
  if (Array.isArray(node['anyOf']))
    return (node['anyOf'] as Record<string, unknown>[])
      .map((branch) => ('const' in branch ? `\`${JSON.stringify(branch['const'])}\`` : typeOf(branch)))
      .join(' \\| ');
  if (node['type'] === 'array') return `list of ${typeOf(node['items'] as Record<string, unknown>)}`;
  const limits: string[] = [];
  if (typeof node['minimum'] === 'number') limits.push(`≥ ${node['minimum']}`);
  if (typeof node['maximum'] === 'number') limits.push(`≤ ${node['maximum']}`);
  return `${String(node['type'])}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`;
}
