import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import { benchPlant, measureRealTime, measureThroughput, type RealTimeRun, type ThroughputProtocol, type ThroughputRun } from './publish-throughput.ts';

/**
 * A short run of the MQTT publishing benchmark on a small plant, so the benchmark code stays
 * working. `SF_BENCH=1` runs it at full size (about 116,000 tags) and prints the figures (and writes
 * them as JSON to `SF_BENCH_OUT` when set). No timing is asserted here: figures go to BENCHMARKS.md.
 */
const full = process.env['SF_BENCH'] === '1';

const protocols: ThroughputProtocol[] = [
  { type: 'json', qos: 0, batching: 'per-machine' },
  { type: 'json', qos: 1, batching: 'per-machine' },
  { type: 'json', qos: 0, batching: 'per-line' },
  { type: 'sparkplug' },
];

describe(`MQTT publishing throughput (${full ? 'full benchmark' : 'smoke run'})`, () => {
  let broker: MosquittoServer;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('publishes every due value of a scaled plant, and the subscriber receives every message', { timeout: full ? 600_000 : 60_000 }, async () => {
    const runs: ThroughputRun[] = [];
    for (const protocol of protocols) {
      const plant = benchPlant(full ? 2_000 : 40);
      runs.push(await measureThroughput(plant, broker.url, protocol, full ? 20 : 3));
    }
    const realTime: RealTimeRun[] = [];
    for (const protocol of [protocols[1], protocols[3]] as ThroughputProtocol[]) {
      const plant = benchPlant(full ? 2_000 : 40);
      realTime.push(await measureRealTime(plant, broker.url, protocol, full ? 15 : 2.5));
    }
    if (full) {
      console.table(runs);
      console.table(realTime);
      const out = process.env['SF_BENCH_OUT'];
      if (out !== undefined) writeFileSync(out, `${JSON.stringify({ runs, realTime }, null, 2)}\n`);
    }
    for (const run of runs) {
      expect(run.values, run.protocol).toBeGreaterThan(0);
      expect(run.received, run.protocol).toBe(run.messages);
    }
    for (const run of realTime) expect(run.values, run.protocol).toBeGreaterThan(0);
  });
});
