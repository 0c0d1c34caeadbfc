import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSilentLogger } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlitePointStore, sqlitePointStoreDefaults } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const dir = tempDir('sf-crash');
afterAll(() => dir.remove());

const tags = 20;
const baseTs = 1_700_000_000_000;
/** Point n of the child's stream: tag n mod 20, one timestamp per 20 points, value n. */
const tagOf = (n: number): string => `crash/line/t${n % tags}`;
const tsOf = (n: number): number => baseTs + Math.floor(n / tags) * 100;

/** A plain Node script that imports the built store and reports, after each awaited write, the points committed so far. */
function writeChildScript(): string {
  const script = join(dir.path, 'crash-writer.mjs');
  const distUrl = new URL('../dist/index.js', import.meta.url).href;
  writeFileSync(
    script,
    `import { createSqlitePointStore, sqlitePointStoreDefaults } from ${JSON.stringify(distUrl)};
const silent = { error() {}, warn() {}, info() {}, debug() {}, child() { return silent; } };
const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file: process.argv[2], chunkSeconds: 10, checkpointSeconds: 1 }, { logger: silent });
const perBatch = 200;
let committed = 0;
for (let batch = 0; ; batch++) {
  const points = [];
  for (let i = 0; i < perBatch; i++) {
    const n = batch * perBatch + i;
    points.push({ tag: 'crash/line/t' + (n % ${tags}), ts: ${baseTs} + Math.floor(n / ${tags}) * 100, value: n, quality: 'good' });
  }
  const writes = [store.write(points.slice(0, 120)), store.write(points.slice(120))];
  if (batch % 3 === 0) writes.push(store.write(points.slice(0, 50)));
  await Promise.all(writes);
  committed += perBatch;
  process.stdout.write(committed + '\\n');
}
`,
  );
  return script;
}

/** Runs the child until it has been writing for `runMs`, kills it with SIGKILL, and returns the last count it reported. */
async function runAndKill(script: string, file: string, runMs: number): Promise<number> {
  const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let reported = 0;
  let pending = '';
  let firstReportAt: number | undefined;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code, signal) => reject(new Error(`child stopped early: code ${String(code)}, signal ${String(signal)}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      if (lines.length > 0) reported = Number(lines[lines.length - 1]);
      firstReportAt ??= Date.now();
      if (Date.now() - firstReportAt >= runMs) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  return reported;
}

describe('SqlitePointStore crash recovery', () => {
  it('keeps every point a killed writer reported committed, exactly once', async () => {
    const file = dir.file('crash.db');
    const reported = await runAndKill(writeChildScript(), file, 2_500);
    expect(reported).toBeGreaterThan(1_000);

    const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file, chunkSeconds: 10 }, { logger: createSilentLogger() });
    try {
      const stored: Point[] = [];
      for (let tag = 0; tag < tags; tag++) stored.push(...(await store.range(tagOf(tag), { from: 0, to: Number.MAX_SAFE_INTEGER })));
      const seen = new Set<number>();
      const problems: string[] = [];
      for (const point of stored) {
        const n = point.value as number;
        if (seen.has(n)) problems.push(`point ${n} stored twice`);
        seen.add(n);
        if (point.tag !== tagOf(n) || point.ts !== tsOf(n)) problems.push(`point ${n} stored as ${point.tag} at ${point.ts}`);
      }
      for (let n = 0; n < reported; n++) if (!seen.has(n)) problems.push(`committed point ${n} is missing`);
      expect(problems.slice(0, 10)).toEqual([]);
      expect(stored.length).toBeGreaterThanOrEqual(reported);
      const latest = await store.latest([tagOf(reported - 1)]);
      expect(latest.get(tagOf(reported - 1))?.ts).toBeGreaterThanOrEqual(tsOf(reported - 1));
    } finally {
      await store.close();
    }
  });
});
