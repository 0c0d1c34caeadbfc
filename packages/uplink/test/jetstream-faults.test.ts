// Edge → hub over the machine's nats-server (JetStream), through a fault proxy: steady load while the
// link is cut (reset, then blackhole) and restored. Prints the RELIABILITY.md §3 line per scenario.
import { afterEach, describe, expect, it } from 'vitest';
import { report } from './harness.ts';
import { Rig } from './rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('uplink over JetStream with a cut link', () => {
  it('loses nothing and duplicates nothing when the link is reset mid-run, keeps order per tag, flags the backlog historical', async () => {
    rig = await Rig.start({ transport: 'jetstream', tags: 200, periodMs: 50 });
    const current = rig;
    await current.load(5_000, [
      { at: 1_200, action: () => current.proxy.cut('reset') },
      { at: 3_000, action: () => current.proxy.restore() },
    ]);
    await current.drained();
    const stats = await current.uplink!.readStats();
    const result = report('jetstream reset', current.attempted, stats.ackedPoints, current.sink, current.duplicatesBeforeDedupe());
    expect(result).toMatchObject({ lost: 0, unexpected: 0, duplicatedAfterDedupe: 0 });
    expect(current.sink.outOfOrder()).toEqual([]);
    expect(current.sink.historicalPoints).toBeGreaterThan(4_000);
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(stats.backlog).toMatchObject({ entries: 0, points: 0 });
    expect(current.proxy.stats().refused).toBeGreaterThan(0);
  });

  it('notices a blackholed link by its pings, then resumes without loss', async () => {
    rig = await Rig.start({ transport: 'jetstream', tags: 100, periodMs: 50 });
    const current = rig;
    await current.load(5_500, [
      { at: 1_000, action: () => current.proxy.cut('blackhole') },
      { at: 4_000, action: () => current.proxy.restore() },
    ]);
    await current.drained();
    const stats = await current.uplink!.readStats();
    const result = report('jetstream blackhole', current.attempted, stats.ackedPoints, current.sink, current.duplicatesBeforeDedupe());
    expect(result).toMatchObject({ lost: 0, unexpected: 0, duplicatedAfterDedupe: 0 });
    expect(current.sink.outOfOrder()).toEqual([]);
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(current.proxy.stats().blackholed).toBeGreaterThan(0);
  });

  it('loses nothing and keeps order when the hub receiver restarts mid-stream, twice (same data dir)', async () => {
    rig = await Rig.start({ transport: 'jetstream', tags: 100, periodMs: 50 });
    const current = rig;
    current.sink.commitMs = 30; // messages are mid-commit when the receiver closes
    await current.load(4_500, [
      { at: 1_200, action: () => current.restartReceiver() },
      { at: 2_800, action: () => current.restartReceiver() },
    ]);
    await current.drained();
    const stats = await current.uplink!.readStats();
    const result = report('jetstream hub restart', current.attempted, stats.ackedPoints, current.sink, current.duplicatesBeforeDedupe());
    expect(result).toMatchObject({ lost: 0, unexpected: 0, duplicatedAfterDedupe: 0 });
    expect(current.sink.outOfOrder()).toEqual([]);
  });
});
