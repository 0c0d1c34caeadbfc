/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): self time by function and by package, per file.
 * Also runnable alone: `node packages/bench/dist/profile-summary.js <dir-or-file.cpuprofile>...`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** node_modules/<pkg>, packages/<pkg>, node:internals, or the V8 pseudo-frames. */
function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module?.[1] !== undefined) return module[1];
  const workspace = /packages\/([^/]+)\//.exec(url);
  if (workspace?.[1] !== undefined) return `@shopfloor/${workspace[1]}`;
  if (url.startsWith('node:')) return 'node (internals)';
  return url;
}

function top(map: Map<string, number>, total: number, limit: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => `    ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1_000).toFixed(0).padStart(6)} ms  ${name}`);
}

export function summariseProfile(file: string, limit = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const node = byId.get(profile.samples[index] as number);
    const us = profile.timeDeltas[index] ?? 0;
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const where = url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${lineNumber + 1}`;
    const name = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  return [
    `  ${basename(file)}: ${(total / 1_000).toFixed(0)} ms busy, ${(idle / 1_000).toFixed(0)} ms idle`,
    '   by package (self time):',
    ...top(byPackage, total, limit),
    '   by function (self time):',
    ...top(byFunction, total, limit),
  ].join('\n');
}

export function summariseProfiles(path: string, limit = 15): string {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(path, name))
    : [path];
  if (files.length === 0) return `  no CPU profiles in ${path}`;
  return [`CPU profiles in ${path}:`, ...files.map((file) => summariseProfile(file, limit))].join('\n');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  for (const path of process.argv.slice(2)) process.stdout.write(`${summariseProfiles(path, 25)}\n`);
}
