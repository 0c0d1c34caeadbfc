/** 6. Query: downsample one tag-day to 1,000 buckets, and the latest value of 10,000 tags (SqlitePointStore in-process). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSilentLogger } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { createSqlitePointStore, sqlitePointStoreDefaults, type SqlitePointStore } from '@shopfloor/store-sqlite';
import { runIndexes, runLabel, type BenchContext } from './context.ts';
import { disturbedMark, disturbedNote } from './ingest-compare.ts';
import { CpuMeter, ownCpuUs } from './proc-cpu.ts';
import type { BenchResult, Row } from './report.ts';
import { count, fixed, median, ms, percentile, ratio } from './stats.ts';

const dayMs = 86_400_000;
const latestTags = 10_000;

interface Timings {
  readonly p50: number;
  readonly p95: number;
  readonly cpuMs: number;
}

async function time(calls: number, call: (index: number) => unknown): Promise<Timings> {
  const samples: number[] = [];
  const cpuBefore = ownCpuUs();
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    await call(index);
    samples.push(performance.now() - started);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), cpuMs: (ownCpuUs() - cpuBefore) / 1_000 / calls };
}

/** Time-major, 1 Hz, batches of 1,000 s of every tag, up to 4 writes in flight (the group commit joins them). */
async function load(store: SqlitePointStore, tags: readonly string[], from: number, seconds: number): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  const step = Math.max(1, Math.floor(50_000 / tags.length));
  for (let second = 0; second < seconds; second += step) {
    const batch: Point[] = [];
    for (let s = second; s < Math.min(seconds, second + step); s++) {
      for (let tag = 0; tag < tags.length; tag++)
        batch.push({ tag: tags[tag] as string, ts: from + s * 1_000, value: 20 + Math.sin((s + tag) / 600) * 5, quality: 'good' });
    }
    const write = store.write(batch);
    inFlight.add(write);
    void write.finally(() => inFlight.delete(write));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

export async function benchQuery(context: BenchContext): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-query-'));
  const file = join(dir, 'points.db');
  const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file }, { logger: createSilentLogger() });
  const raw = new Database(file, { readonly: true });
  try {
    const dayTags = Array.from({ length: context.quick ? 5 : 50 }, (_, index) => `acme/plant1/history/line1/cell1/asset${index + 1}/value`);
    const manyTags = Array.from(
      { length: latestTags },
      (_, index) =>
        `acme/plant1/latest/line${Math.floor(index / 1_000) + 1}/cell${Math.floor(index / 100) % 10}/asset${Math.floor(index / 10) % 10}/tag${index % 10}`,
    );
    const day = Math.floor(Date.now() / dayMs) * dayMs - 2 * dayMs;
    const loadStarted = performance.now();
    await load(store, dayTags, day, 86_400);
    await load(store, manyTags, day + dayMs - 10_000, 10);
    await store.checkpoint();
    const loaded = dayTags.length * 86_400 + latestTags * 10;
    context.log(
      `  query: loaded ${count(loaded)} points in ${((performance.now() - loadStarted) / 1_000).toFixed(1)} s (${count(loaded / ((performance.now() - loadStarted) / 1_000))} points/s incl. checkpoint)`,
    );

    const seriesId = new Map(
      raw
        .prepare<[], { id: number; path: string }>('SELECT id, path FROM series')
        .all()
        .map((row) => [row.path, row.id]),
    );
    const chunks = raw
      .prepare<[number, number, number], unknown[]>(
        'SELECT chunk_start, data FROM chunks WHERE series_id = ? AND chunk_start >= ? AND chunk_start < ? ORDER BY chunk_start',
      )
      .raw();
    const lastChunk = raw.prepare<[number], unknown[]>('SELECT data FROM chunks WHERE series_id = ? ORDER BY chunk_start DESC LIMIT 1').raw();
    const dayIds = dayTags.map((tag) => seriesId.get(tag) as number);
    const manyIds = manyTags.map((tag) => seriesId.get(tag) as number);
    const window = { from: day, to: day + dayMs };
    const check = await store.downsample(dayTags[0] as string, window, 1_000);
    const checkCount = check.reduce((sum, bucket) => sum + bucket.count, 0);
    if (check.length !== 1_000 || checkCount !== 86_400) throw new Error(`downsample returned ${check.length} buckets over ${checkCount} points`);
    const latestCheck = await store.latest(manyTags);
    if (latestCheck.size !== latestTags) throw new Error(`latest returned ${latestCheck.size} of ${latestTags} tags`);

    const downsampleCalls = context.quick ? 20 : 100;
    const latestCalls = context.quick ? 5 : 20;
    const results = { downsample: [] as Timings[], downsampleRaw: [] as Timings[], latest: [] as Timings[], latestRaw: [] as Timings[] };
    const others: number[] = [];
    for (const index of runIndexes(context)) {
      const meter = new CpuMeter(new Map());
      const started = performance.now();
      const downsample = await time(downsampleCalls, (call) => store.downsample(dayTags[call % dayTags.length] as string, window, 1_000));
      const downsampleRaw = await time(downsampleCalls, (call) => chunks.all(dayIds[call % dayIds.length] as number, window.from, window.to));
      const latest = await time(latestCalls, () => store.latest(manyTags));
      const latestRaw = await time(latestCalls, () => {
        for (const id of manyIds) lastChunk.get(id);
      });
      context.log(
        `  query ${runLabel(context, index)}: downsample p50 ${ms(downsample.p50)} p95 ${ms(downsample.p95)} (raw chunk read ${ms(downsampleRaw.p50)}) | latest ×${count(latestTags)} p50 ${ms(latest.p50)} p95 ${ms(latest.p95)} (raw last-chunk reads ${ms(latestRaw.p50)})`,
      );
      if (index === 0) continue;
      others.push((meter.since().get('others') ?? Number.NaN) / 1e3 / (performance.now() - started));
      results.downsample.push(downsample);
      results.downsampleRaw.push(downsampleRaw);
      results.latest.push(latest);
      results.latestRaw.push(latestRaw);
    }
    const med = (runs: readonly Timings[], key: keyof Timings) => median(runs.map((run) => run[key]));
    const row = (measure: string, runs: readonly Timings[], rawRuns: readonly Timings[], key: 'p50' | 'p95', goal: number, rawName: string): Row => ({
      measure: `${measure} ${key}`,
      figure: ms(med(runs, key)),
      goal: `≤ ${goal} ms`,
      met: med(runs, key) <= goal,
      raw: `${ms(med(rawRuns, key))} (${rawName})`,
      ratio: ratio(med(runs, key), med(rawRuns, key)),
      cpu: key === 'p50' ? `${fixed(med(runs, 'cpuMs'), 1)} ms CPU per query` : '',
      runs: runs.map((run, index) => `${ms(run[key])}${disturbedMark(others[index])}`).join(' / '),
    });
    return {
      id: 'query',
      title: '6. Query: downsample and latest (SqlitePointStore in-process)',
      setup:
        `A fresh store (defaults: 60 s chunks, WAL) holding ${dayTags.length} tags × 1 day at 1 Hz (${count(dayTags.length * 86_400)} points) plus ${count(latestTags)} tags × 10 points, checkpointed, warm. ` +
        `Downsample: \`downsample(tag, day, 1000)\` over the ${dayTags.length} day tags in turn, ${downsampleCalls} calls per run; latest: \`latest(${count(latestTags)} tags)\`, ${latestCalls} calls per run. ` +
        `Raw reference: a bare better-sqlite3 read (same file, main thread) of the same chunk rows: the tag's 1,440 chunk BLOBs of the day, not decoded; for latest, the last chunk row of each of the ${count(latestTags)} tags.`,
      rows: [
        row('downsample 1 tag × 1 day → 1,000 buckets', results.downsample, results.downsampleRaw, 'p50', 10, 'chunk rows read'),
        row('downsample 1 tag × 1 day → 1,000 buckets', results.downsample, results.downsampleRaw, 'p95', 25, 'chunk rows read'),
        row(`latest of ${count(latestTags)} tags`, results.latest, results.latestRaw, 'p50', 20, 'last chunk rows read'),
        row(`latest of ${count(latestTags)} tags`, results.latest, results.latestRaw, 'p95', 20, 'last chunk rows read'),
      ],
      notes: [
        "CPU per query is process.cpuUsage() of the whole process (main thread + the store's worker thread) divided by the calls.",
        `Cores the rest of the machine (other work) used during each run: ${others.map((cores) => fixed(cores, 2)).join(' / ')}. ${disturbedNote}`,
      ],
    };
  } finally {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
