import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const order = ['model', 'engine', 'adapter', 'surface', 'runtime'] as const;
type Layer = (typeof order)[number] | 'test';

interface PackageInfo {
  name: string;
  dir: string;
  layer: Layer;
  dependencies: string[];
  /** Packages of the same layer this one may import (a protocol server on the simulator core). */
  sameLayer: string[];
}

function packages(): PackageInfo[] {
  return readdirSync(packagesDir)
    .filter((entry) => statSync(join(packagesDir, entry)).isDirectory())
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(join(packagesDir, entry, 'package.json'), 'utf8')) as {
        name: string;
        shopfloor?: { layer?: Layer; sameLayer?: string[] };
        dependencies?: Record<string, string>;
      };
      return {
        name: manifest.name,
        dir: join(packagesDir, entry),
        layer: manifest.shopfloor?.layer ?? ('missing' as Layer),
        dependencies: Object.keys(manifest.dependencies ?? {}),
        sameLayer: manifest.shopfloor?.sameLayer ?? [],
      };
    });
}

function sourceImports(dir: string): string[] {
  const found = new Set<string>();
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) {
        for (const match of readFileSync(full, 'utf8').matchAll(/from '(@shopfloor\/[a-z-]+)'/g)) found.add(match[1] as string);
      }
    }
  };
  walk(join(dir, 'src'));
  return [...found];
}

describe('package layers (STYLE.md §1: model ← engine ← adapter ← surface ← runtime; same layer only where package.json says shopfloor.sameLayer)', () => {
  it('every package declares a layer and imports, in its sources, only declared dependencies of lower layers', () => {
    const all = packages();
    const layerOf = new Map(all.map((info) => [info.name, info.layer]));
    const violations: string[] = [];
    for (const info of all) {
      if (!([...order, 'test'] as string[]).includes(info.layer)) violations.push(`${info.name}: "shopfloor.layer" is ${info.layer}`);
      for (const imported of sourceImports(info.dir)) {
        if (imported === info.name) continue;
        if (!info.dependencies.includes(imported)) violations.push(`${info.name} imports ${imported} without declaring it`);
        const target = layerOf.get(imported);
        if (target === 'test' && info.layer !== 'test') violations.push(`${info.name} imports the test package ${imported}`);
        if (info.layer === 'test' || target === undefined || target === 'test') continue;
        const below = order.indexOf(target) < order.indexOf(info.layer) || (target === info.layer && info.sameLayer.includes(imported));
        if (!below)
          violations.push(
            `${info.name} (${info.layer}) imports ${imported} (${target}); allowed: ${order.slice(0, order.indexOf(info.layer)).join(', ') || 'nothing'}`,
          );
      }
    }
    expect(violations).toEqual([]);
  });
});
