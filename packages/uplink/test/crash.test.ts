// kill -9 of the edge mid-stream: a child process appends batches and reports each one appendPoints
// resolved; after SIGKILL the edge restarts on the same data dir and must deliver every reported
// point to the hub exactly once (seqs never reused: a reused seq would be dropped as a duplicate).
// The acknowledged count is the restarted edge's.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import { report } from './harness.ts';
import { Rig, type TransportKind } from './rig.ts';

let broker: MosquittoServer;
let rig: Rig | undefined;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  await broker.close();
});

/** A plain Node script on the built package: appends the rig's point batches, printing each batch number once durable. */
function writeChild(dir: string): string {
  const script = `${dir}/edge-child.mjs`;
  const distUrl = new URL('../dist/index.js', import.meta.url).href;
  writeFileSync(
    script,
    `import { createUplink } from ${JSON.stringify(distUrl)};
const [config, edgeId, dataDir, tagCount, periodMs] = [JSON.parse(process.argv[2]), process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6])];
const silent = { error() {}, warn() {}, info() {}, debug() {}, child() { return silent; } };
const uplink = await createUplink(config, { edgeId, dataDir, logger: silent });
const base = 1_700_000_000_000;
for (let k = 0; ; k++) {
  const points = [];
  for (let index = 0; index < tagCount; index++) {
    points.push({ tag: 'plant/line/m' + (index % 50) + '/t' + index, ts: base + k * periodMs, value: k, quality: 'good' });
  }
  await uplink.appendPoints(points);
  process.stdout.write(k + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 10));
}
`,
  );
  return script;
}

/** Runs the child for `runMs` after its first report (calling `halfway` at half of it), SIGKILLs it, returns the last batch it reported durable. */
async function runAndKill(args: string[], runMs: number, halfway: () => void): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = -1;
  let buffered = '';
  let firstAt: number | undefined;
  let halved = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`edge child stopped early: code ${String(code)}, signal ${String(signal)}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString('utf8')).split('\n');
      buffered = lines.pop() ?? '';
      if (lines.length > 0) last = Number(lines[lines.length - 1]);
      firstAt ??= Date.now();
      if (Date.now() - firstAt >= runMs / 2 && !halved) {
        halved = true;
        halfway();
      }
      if (Date.now() - firstAt >= runMs) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  return last;
}

const transports: TransportKind[] = ['jetstream', 'mqtt'];

describe.each(transports)('edge kill -9 over %s', (transport) => {
  it('delivers every point appendPoints had resolved before the kill, exactly once, after a restart on the same data dir', async () => {
    rig = await Rig.start({ transport, mosquitto: broker, tags: 100, periodMs: 50 });
    const current = rig;
    // The child stands in for the edge: the rig's own edge (same id and data dir) is stopped first.
    // Halfway the link is cut, so the killed edge leaves a backlog in its outbox.
    await current.uplink!.close();
    current.uplink = undefined;
    const lastReported = await runAndKill(
      [
        writeChild(current.dir.path),
        JSON.stringify(current.config),
        current.edgeId,
        current.dir.sub('edge'),
        String(current.source.tags.length),
        String(current.source.periodMs),
      ],
      2_500,
      () => current.proxy.cut('reset'),
    );
    expect(lastReported).toBeGreaterThan(20);
    current.source.batches = lastReported + 1;
    current.attempted.push(...current.source.keys());
    current.proxy.restore();
    await current.startEdge();
    await current.drained();
    // A batch the child had appended but not reported may have been stored too; nothing else may.
    const possible = new Set(current.source.keys(lastReported + 2));
    const stats = await current.uplink!.readStats();
    const result = report(`${transport} edge kill -9`, current.attempted, stats.ackedPoints, current.sink, current.duplicatesBeforeDedupe());
    expect(stats.ackedPoints).toBeGreaterThan(1_000); // the restarted edge delivered the killed one's backlog
    expect({ ...result, unexpected: [...current.sink.counts.keys()].filter((key) => !possible.has(key)).length }).toMatchObject({
      lost: 0,
      unexpected: 0,
      duplicatedAfterDedupe: 0,
    });
  });
});
