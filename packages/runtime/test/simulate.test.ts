import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { nodeDefaults, simulateDefaults, startDemo, startSimulation, type RunningDemo, type RunningSimulation } from '@shopfloor/runtime';
import { mosquittoSub, startMosquitto, testApi, type MosquittoServer } from '@shopfloor/testkit';

describe('shopfloor simulate', () => {
  let mosquitto: MosquittoServer;
  let simulation: RunningSimulation;
  let dir: string;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'sf-sim-'));
    simulation = await startSimulation(
      {
        ...simulateDefaults,
        dataDir: dir,
        simulator: { ...simulateDefaults.simulator, seed: 7, tickMs: 200, speed: 1 },
        mqtt: { ...simulateDefaults.mqtt, url: mosquitto.url },
        modbus: { ...simulateDefaults.modbus, basePort: 0 },
        opcua: { ...simulateDefaults.opcua, enabled: false },
        control: { ...simulateDefaults.control, port: 0 },
      },
      createSilentLogger(),
    );
  });
  afterAll(async () => {
    await simulation.close();
    await mosquitto.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes unified-namespace JSON that mosquitto_sub sees, and serves one Modbus PLC per line', async () => {
    const lines = await mosquittoSub(mosquitto.port, 'acme/#', 3, 10);
    expect(lines.length).toBe(3);
    for (const line of lines) {
      const [topic, payload] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
      expect(topic.split('/').length).toBe(6);
      const body = JSON.parse(payload) as { ts: number; values: Record<string, unknown> };
      expect(typeof body.ts).toBe('number');
      expect(Object.keys(body.values).length).toBeGreaterThan(5);
    }
    expect(simulation.modbus.map((server) => server.plc).sort()).toEqual(['acme/plant1/forming/line2', 'acme/plant1/machining/line1']);
  });

  it('is controlled through its API: faults with ground truth, setpoints, states; anonymous calls are refused', async () => {
    const token = readFileSync(join(dir, 'control-token'), 'utf8').trim();
    const url = simulation.controlUrl as string;
    const api = testApi(url, token);
    expect((await api.get('/sim/v1/labels', null)).status).toBe(401);
    const machines = (await api.get<{ machines: { path: string; id: string; type: string }[] }>('/sim/v1/machines')).body.machines;
    const pump = machines.find((machine) => machine.type === 'pump') as { path: string };
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));
    const injected = await call('POST', '/sim/v1/faults', { machine: pump.path, kind: 'imbalance', severity: 0.5 });
    expect([injected.status, injected.body['kind'], injected.body['machine']]).toEqual([201, 'imbalance', pump.path]);
    const labels = (await api.get<{ labels: { id: string; kind: string }[] }>('/sim/v1/labels')).body.labels;
    expect(labels.map((label) => label.kind)).toContain('imbalance');
    const logged = readFileSync(join(dir, 'labels.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; kind: string; machine: string });
    expect(logged.map(({ event, kind, machine }) => ({ event, kind, machine }))).toContainEqual({
      event: 'fault-injected',
      kind: 'imbalance',
      machine: pump.path,
    });
    const waveform = await api.get<{ samples: number[]; sampleRateHz: number; frequencies: { shaftHz: number } }>(`/sim/v1/waveform/${pump.path}`);
    expect([waveform.status, waveform.body.samples.length, waveform.body.sampleRateHz]).toEqual([200, 4_096, 25_600]);
    expect((await api.get(`/sim/v1/waveform/no/such/machine`)).status).toBeGreaterThanOrEqual(400);

    const setpoint = simulation.plant.tags.find((tag) => tag.writable && tag.dataType === 'float' && tag.max !== undefined) as {
      path: string;
      min?: number;
      max: number;
    };
    const wanted = ((setpoint.min ?? 0) + setpoint.max) / 2;
    const written = await call('PUT', `/sim/v1/setpoints/${setpoint.path}`, { value: wanted });
    expect([written.status, written.body['value']]).toEqual([200, wanted]);
    expect(simulation.plant.value(setpoint.path)).toBe(wanted);
    const refused = await call('PUT', `/sim/v1/setpoints/${setpoint.path}`, { value: setpoint.max * 10 });
    expect(refused.status).toBe(400);
    expect((refused.body['error'] as { message: string }).message).toContain(setpoint.path);

    const stopped = await call('PUT', `/sim/v1/machines/${pump.path}/state`, { state: 'planned-stop' });
    expect([stopped.status, stopped.body['state']]).toEqual([200, 'planned-stop']);
    const cleared = await call('DELETE', `/sim/v1/faults/${labels.find((label) => label.kind === 'imbalance')?.id ?? ''}`, undefined);
    expect(cleared.status).toBe(200);
  });
});

describe('the all-in-one demo', () => {
  let demo: RunningDemo;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-demo-'));
    demo = await startDemo(
      {
        ...structuredClone(nodeDefaults),
        node: { id: 'demo-test', dataDir: dir },
        mqtt: { ...structuredClone(nodeDefaults.mqtt), broker: { embedded: { host: '127.0.0.1', port: 0 } } },
        api: { ...nodeDefaults.api, port: 0 },
        demo: { ...nodeDefaults.demo, simulator: { ...nodeDefaults.demo.simulator, tickMs: 250 } },
      },
      createSilentLogger(),
    );
  });
  afterAll(async () => {
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores at the hub, through the edge, what the simulated plant publishes, every tag, and serves the simulator control routes', async () => {
    const api = testApi(demo.node.apiUrl, demo.node.newAdminToken as string);
    const plantTags = new Set(demo.simulation.plant.tags.map((tag) => tag.path));
    const latest = await api.until<{ points: { tag: string }[] }>(
      '/api/v1/latest?filter=acme/%23',
      (body) => body.points.filter((point) => plantTags.has(point.tag)).length === plantTags.size,
      20_000,
    );
    expect(latest.points.filter((point) => plantTags.has(point.tag)).length).toBe(plantTags.size);
    // The rest are the edge's vibration features (and, after a minute, their statistics).
    expect(latest.points.filter((point) => !plantTags.has(point.tag)).every((point) => point.tag.includes('/vibration'))).toBe(true);
    const edges = await api.until<{ edges: { id: string; status?: { uplink?: { ackedPoints: number } } }[] }>(
      '/api/v1/edges',
      (body) => (body.edges[0]?.status?.uplink?.ackedPoints ?? 0) > 0,
    );
    expect(edges.edges.map((edge) => edge.id)).toEqual(['demo-test-edge']);
    const ingest = (await api.get<{ rejected: number; failed: number }>('/api/v1/ingest')).body;
    expect([ingest.rejected, ingest.failed]).toEqual([0, 0]);
    expect((await api.get<{ machines: unknown[] }>('/sim/v1/machines')).body.machines.length).toBe(demo.simulation.plant.machines().length);
    expect((await api.get('/sim/v1/labels', null)).status).toBe(401);
  });
});

describe('shopfloor simulate --replay', () => {
  it('serves a recording over MQTT in place of the simulated plant', async () => {
    const mosquitto = await startMosquitto();
    const dir = mkdtempSync(join(tmpdir(), 'sf-replay-'));
    const csv = join(dir, 'recording.csv');
    const start = Date.parse('2026-01-05T06:00:00Z');
    writeFileSync(
      csv,
      [
        'tag,timestamp,value',
        ...Array.from({ length: 20 }, (_, index) => `acme/plant9/area/line/cell/pump7/flow,${new Date(start + index * 1_000).toISOString()},${40 + index}`),
      ].join('\n'),
    );
    const replay = await startSimulation(
      {
        ...simulateDefaults,
        dataDir: dir,
        replay: { file: csv },
        simulator: { ...simulateDefaults.simulator, tickMs: 100, speed: 10 },
        mqtt: { ...simulateDefaults.mqtt, url: mosquitto.url },
        modbus: { ...simulateDefaults.modbus, enabled: false },
        opcua: { ...simulateDefaults.opcua, enabled: false },
        control: { ...simulateDefaults.control, enabled: false },
      },
      createSilentLogger(),
    );
    try {
      expect(replay.plant.tags.map((tag) => tag.path)).toEqual(['acme/plant9/area/line/cell/pump7/flow']);
      const lines = await mosquittoSub(mosquitto.port, 'acme/plant9/#', 3, 10);
      const values = lines.map((line) => (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { values: { flow: number } }).values.flow);
      expect(values.length).toBe(3);
      for (const value of values) expect(value >= 40 && value <= 59).toBe(true);
    } finally {
      await replay.close();
      await mosquitto.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
