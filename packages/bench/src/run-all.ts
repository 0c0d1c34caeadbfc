/**
 * `npm run bench`: every benchmark, or those named: `node packages/bench/dist/run-all.js ingest-embedded query`.
 * `--quick`: one short run each, no warm-up (a smoke check; BENCHMARKS.md is left alone).
 * `--profile`: node processes write V8 CPU profiles (summarised at the end; BENCHMARKS.md is left alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAlarmLatency } from './bench-alarm-latency.ts';
import { benchDecode } from './bench-decode.ts';
import { benchDurableAck } from './bench-durable-ack.ts';
import { benchEdge } from './bench-edge.ts';
import { benchIngestBatched } from './bench-ingest-batched.ts';
import { benchIngestEmbedded } from './bench-ingest-embedded.ts';
import { benchIngestMosquitto } from './bench-ingest-mosquitto.ts';
import { benchQuery } from './bench-query.ts';
import { benchSimulator } from './bench-simulator.ts';
import { benchUplink } from './bench-uplink.ts';
import { benchVibration } from './bench-vibration.ts';
import type { BenchContext } from './context.ts';
import { summariseProfiles } from './profile-summary.ts';
import { renderResult, summaryTable, updateBenchmarksFile, type BenchResult } from './report.ts';

const benchmarks: Record<string, (context: BenchContext) => Promise<BenchResult>> = {
  'ingest-embedded': benchIngestEmbedded,
  'ingest-mosquitto': benchIngestMosquitto,
  'ingest-batched': benchIngestBatched,
  'durable-ack': benchDurableAck,
  decode: benchDecode,
  query: benchQuery,
  simulator: benchSimulator,
  'alarm-latency': benchAlarmLatency,
  vibration: benchVibration,
  edge: benchEdge,
  uplink: benchUplink,
};

const benchmarksFile = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url));
const repository = fileURLToPath(new URL('../../../', import.meta.url));

/** The commit measured, and whether product code outside packages/bench had uncommitted changes. */
function codeVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages', ':!packages/bench'], { cwd: repository, encoding: 'utf8' }).trimEnd();
    return dirty === ''
      ? `commit ${head}`
      : `commit ${head} plus uncommitted changes in ${new Set(dirty.split('\n').map((line) => line.slice(3).split('/').slice(0, 2).join('/'))).size} product package(s)`;
  } catch {
    return 'unknown commit';
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const profile = args.includes('--profile');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  const selected = names.length > 0 ? names : Object.keys(benchmarks);
  const profileDir = profile ? mkdtempSync(join(tmpdir(), 'sf-bench-profile-')) : undefined;
  const context: BenchContext = { quick, runs: quick ? 1 : 3, profileDir, log: (line) => process.stdout.write(`${line}\n`) };
  const started = Date.now();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average at start ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`;
  context.log(`Shopfloor benchmarks${quick ? ' (--quick: smoke check, not figures)' : ''}: ${selected.join(', ')}\n${machine}\n`);
  const results: BenchResult[] = [];
  for (const name of selected) {
    const bench = benchmarks[name] as (context: BenchContext) => Promise<BenchResult>;
    const benchProfileDir = profileDir === undefined ? undefined : join(profileDir, name);
    if (benchProfileDir !== undefined) mkdirSync(benchProfileDir, { recursive: true });
    context.log(`▶ ${name}`);
    const benchStarted = Date.now();
    const load = loadavg()[0] ?? Number.NaN;
    const measured = await bench({ ...context, profileDir: benchProfileDir });
    const provenance = `Run ${new Date(benchStarted).toISOString().slice(0, 16).replace('T', ' ')} UTC from ${codeVersion()}; load average ${load.toFixed(2)} at its start; ${((Date.now() - benchStarted) / 1_000).toFixed(0)} s.`;
    const result = { ...measured, notes: [...measured.notes, provenance] };
    results.push(result);
    context.log(`\n### ${result.title}\n\n${renderResult(result)}\n\n(${((Date.now() - benchStarted) / 1_000).toFixed(0)} s)\n`);
    if (benchProfileDir !== undefined) context.log(summariseProfiles(benchProfileDir));
  }
  const seconds = (Date.now() - started) / 1_000;
  context.log(`All done in ${seconds.toFixed(0)} s.`);
  if (quick || profile) {
    context.log('BENCHMARKS.md not updated (--quick / --profile).');
    return;
  }
  const date = new Date().toISOString().slice(0, 10);
  const meta = [
    `Produced by \`npm run bench\` on ${date} from ${codeVersion()} (${seconds.toFixed(0)} s for all ${Object.keys(benchmarks).length}).`,
    `Machine: ${machine}. The 2 vCPUs are shared with other work, and the load generator (publisher process) and the brokers run on the same machine, so absolute rates move 10–20 % between runs: read the ratios to the raw references and the CPU µs per point.`,
    'Figures are medians of 3 runs (5 for single-point ingest) after a warm-up run; every run is listed. Ours and the raw reference alternate run by run, and ratios are medians of per-run ratios. ' +
      'CPU µs per point comes from /proc/<pid>/stat (utime + stime, all threads; the node main thread from /proc/<pid>/task/<pid>/stat) for processes and process.cpuUsage() in-process. ' +
      '"The rest of the machine" is /proc/stat busy time minus the measured processes: the interference each run shared the cores with.',
  ].join('\n');
  // A partial run rewrites only its own sections (each names its run); the header and summary belong to full runs.
  const all = selected.length === Object.keys(benchmarks).length;
  updateBenchmarksFile(benchmarksFile, [
    ...(all
      ? [
          { id: 'meta', title: 'How these figures were made', body: meta },
          { id: 'summary', title: 'Goals at a glance', body: summaryTable(results) },
        ]
      : []),
    ...results.map((result) => ({ id: result.id, title: result.title, body: renderResult(result) })),
  ]);
  context.log(`Updated ${benchmarksFile}.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
