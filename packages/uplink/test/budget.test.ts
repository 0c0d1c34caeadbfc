// The disk budget fills while the link is cut: the oldest raw data is evicted, aggregates and alarms
// are kept, every dropped point is counted, and the drops report reaches the hub when the link returns
// (closing the hub's dedupe gaps for the evicted seqs).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import type { Point } from '@shopfloor/model';
import type { DropReport } from '../src/index.ts';
import { seededRandom } from './flapping.ts';
import { waitFor } from './harness.ts';
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

const transports: TransportKind[] = ['jetstream', 'mqtt'];

describe.each(transports)('outbox disk budget over %s', (transport) => {
  it('evicts the oldest raw data first, keeps aggregates and alarms, and reports every drop to the hub', async () => {
    rig = await Rig.start({ transport, mosquitto: broker, edge: { maxBytes: 65_536, maxPointsPerMessage: 500 } });
    const current = rig;
    const uplink = current.uplink!;
    await waitFor(() => uplink.stats().connected, 5_000, 'the edge to connect');
    current.proxy.cut('reset');
    await waitFor(() => !uplink.stats().connected, 5_000, 'the edge to notice the cut');

    const random = seededRandom(7);
    const raw: Point[] = [];
    const aggregates: Point[] = [];
    const alarms = [{ type: 'raised', alarmId: 'over-temp', at: 1 }];
    await uplink.appendRecords('alarms', alarms);
    for (let batch = 0; batch < 60; batch++) {
      const ts = 1_700_000_000_000 + batch * 1_000;
      // Full-precision noise compresses badly: about 9 bytes a point, so 30,000 points overflow 64 KiB.
      const points = Array.from({ length: 500 }, (_, index): Point => ({ tag: `plant/raw/t${index}`, ts, value: random(), quality: 'good' }));
      await uplink.appendPoints(points, 'raw');
      raw.push(...points);
      if (batch % 10 === 0) {
        const summary: Point[] = [{ tag: 'plant/agg/avg1m', ts, value: batch, quality: 'good' }];
        await uplink.appendPoints(summary, 'aggregate');
        aggregates.push(...summary);
      }
    }
    const before = await uplink.readStats();
    expect(before.backlog.bytes).toBeLessThanOrEqual(65_536);
    expect(before.dropped.raw.points).toBeGreaterThan(10_000);
    expect(before.dropped.aggregate.points).toBe(0);
    expect(before.dropped.alarm.points).toBe(0);

    current.proxy.restore();
    await waitFor(
      () => current.statuses.some((entry) => entry.status.type === 'drops') && uplink.stats().backlog.entries === 0,
      15_000,
      'the drops report at the hub',
    );
    const reports = current.statuses.filter((entry) => entry.status.type === 'drops').map((entry) => (entry.status as { report: DropReport }).report);
    const last = reports[reports.length - 1] as DropReport;
    const after = await uplink.readStats();
    expect(last.totals.raw).toEqual(after.dropped.raw);
    expect(current.receiver!.get(current.edgeId)?.drops?.totals.raw).toEqual(after.dropped.raw);

    // Accounting: every raw point is either stored at the hub or counted as dropped; the dropped ones are the oldest.
    const storedRaw = raw.filter((point) => current.sink.counts.has(`${point.tag}@${point.ts}`));
    expect(storedRaw.length + after.dropped.raw.points).toBe(raw.length);
    const oldestStored = Math.min(...storedRaw.map((point) => point.ts));
    expect(after.dropped.raw.lastTs).toBeLessThan(oldestStored);
    expect(after.dropped.raw.firstTs).toBe(raw[0]!.ts);
    expect(aggregates.every((point) => current.sink.counts.get(`${point.tag}@${point.ts}`) === 1)).toBe(true);
    expect(current.records.flatMap((entry) => entry.records)).toEqual(alarms);
    expect([...current.sink.counts.values()].every((count) => count === 1)).toBe(true);
    // The report closed the gaps of the evicted seqs: the hub's done seqs are one interval.
    await waitFor(
      () => current.receiver!.doneIntervals(current.edgeId, uplink.stream).length === 1,
      5_000,
      () => JSON.stringify(current.receiver!.doneIntervals(current.edgeId, uplink.stream)),
    );
  });
});
