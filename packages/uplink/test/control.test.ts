// Configuration from the hub (request/reply over each transport), status and alarm records to the hub,
// and one-way mode (the edge only sends), over real Mosquitto and the machine's nats-server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import type { ControlRequest } from '../src/index.ts';
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

const transports: TransportKind[] = ['mqtt', 'jetstream'];

describe.each(transports)('uplink control and records over %s', (transport) => {
  it('pushes a configuration to the edge and returns its reply; a failing handler is reported, not thrown', async () => {
    rig = await Rig.start({ transport, mosquitto: broker });
    const seen: ControlRequest[] = [];
    let refuse = false;
    rig.uplink!.onControl(async (message) => {
      seen.push(message);
      if (refuse) throw new Error('key collectors[0].host: expected a host name');
      return { ok: true, version: message.version };
    });
    await waitFor(() => rig!.uplink!.stats().connected, 5_000, 'the edge to connect');
    expect(await rig.receiver!.pushConfig(rig.edgeId, 3, { collectors: [] })).toEqual({ ok: true, version: 3 });
    expect(seen).toEqual([{ kind: 'config', version: 3, document: { collectors: [] } }]);
    refuse = true;
    expect(await rig.receiver!.pushConfig(rig.edgeId, 4, { collectors: [{}] })).toEqual({
      ok: false,
      version: 0,
      error: 'key collectors[0].host: expected a host name',
    });
    await expect(rig.receiver!.pushConfig('no-such-edge', 1, {})).rejects.toMatchObject({ code: 'SF_EDGE_UNREACHABLE' });
  });

  it('delivers alarm records, and only the latest of the statuses queued while the link was down', async () => {
    rig = await Rig.start({ transport, mosquitto: broker });
    const current = rig;
    const uplink = current.uplink!;
    await waitFor(() => uplink.stats().connected, 5_000, 'the edge to connect');
    current.proxy.cut('reset');
    await waitFor(() => !uplink.stats().connected, 5_000, 'the edge to notice the cut');
    for (let version = 1; version <= 5; version++) await uplink.status({ configVersion: version, health: 'ok' });
    await uplink.appendRecords('alarms', [{ type: 'raised', alarmId: 'a1', at: 1 }]);
    await uplink.appendRecords('alarms', [{ type: 'acknowledged', alarmId: 'a1', at: 2, by: 'op' }]);
    current.proxy.restore();
    await waitFor(
      () => current.records.length >= 1 && current.statuses.length >= 1 && uplink.stats().backlog.entries === 0,
      10_000,
      'records and status at the hub',
    );
    expect(current.records.flatMap((entry) => entry.records)).toEqual([
      { type: 'raised', alarmId: 'a1', at: 1 },
      { type: 'acknowledged', alarmId: 'a1', at: 2, by: 'op' },
    ]);
    expect(current.statuses).toEqual([{ edgeId: current.edgeId, status: { type: 'status', record: { configVersion: 5, health: 'ok' } } }]);
    expect(current.receiver!.get(current.edgeId)).toMatchObject({ id: current.edgeId, status: { configVersion: 5, health: 'ok' } });
    expect(current.receiver!.list().map((edge) => edge.id)).toEqual([current.edgeId]);
  });

  it('in one-way mode sends data, subscribes to nothing and answers no configuration', async () => {
    rig = await Rig.start({ transport, mosquitto: broker, tags: 50, edge: { oneWay: true } });
    const current = rig;
    let called = false;
    current.uplink!.onControl(async () => {
      called = true;
      return { ok: true, version: 1 };
    });
    expect(current.edgeLog.some((entry) => entry.message.startsWith('uplink in one-way mode'))).toBe(true);
    await current.load(500);
    await current.drained();
    await expect(current.receiver!.pushConfig(current.edgeId, 2, {})).rejects.toMatchObject({ code: 'SF_EDGE_UNREACHABLE' });
    expect(called).toBe(false);
  });
});
