import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '@shopfloor/testkit';
import { createPlant, createSimulationClock, defaultPlantDescription, type Plant, type PlantDescription } from '@shopfloor/simulator';
import { deviceIds, startJsonPublisher, startSparkplugEdgeNode } from '../src/index.ts';
import { until } from './live-mosquitto-sub.ts';
import { startRuntimeNode, type RuntimeNode } from './node-fixture.ts';
import { testStartTime } from './test-plant.ts';

interface IngestBody {
  received: number;
  stored: number;
  rejected: number;
  pending: number;
  failed: number;
  filtered: number;
}
interface HistoryBody {
  points: { ts: number }[];
}

/** The default plant cut down to one line, `areaIndex`'s first. */
function oneLine(areaIndex: number): PlantDescription {
  const description = defaultPlantDescription();
  const site = description.sites[0]!;
  const area = site.areas[areaIndex]!;
  return { ...description, faults: [], sites: [{ ...site, areas: [{ ...area, lines: [area.lines[0]!] }] }] };
}

describe('the runtime ingests a simulated line; its counts match what the simulator says it sent', () => {
  let runtime: RuntimeNode;
  beforeAll(async () => {
    runtime = await startRuntimeNode();
  });
  afterAll(async () => {
    await runtime.close();
  });

  it('JSON (line 1, QoS 1) and Sparkplug B (line 2, primary host = the node) for 30 simulated seconds', async () => {
    const start = testStartTime();
    const seconds = 30;
    const jsonPlant = createPlant(oneLine(0), { startTime: start });
    const sparkplugPlant = createPlant(oneLine(1), { startTime: start });
    const logger = createCapturingLogger();
    const json = await startJsonPublisher(jsonPlant, { url: runtime.mqttUrl, clientId: 'sim-line1', qos: 1, batching: 'per-machine' }, { logger });
    const edge = await startSparkplugEdgeNode(
      sparkplugPlant,
      { url: runtime.mqttUrl, groupId: 'sim', edgeNodeId: 'line2', devices: 'per-machine', primaryHostId: 'shopfloor' },
      { logger },
    );
    await until(() => edge.phase === 'online', 'the edge node to see the node STATE online and publish its births');

    // Two clocks at 50× (one simulated second per 20 ms tick), as the simulate role would run them.
    const clocks = [
      { plant: jsonPlant, publish: (at: number) => json.publishDue(at) },
      { plant: sparkplugPlant, publish: (at: number) => edge.publishDue(at) },
    ].map(({ plant, publish }: { plant: Plant; publish: (at: number) => void }) => {
      const clock = createSimulationClock({ speed: 50, tickMs: 20 }, plant);
      clock.onTick(publish);
      return clock;
    });
    for (const clock of clocks) clock.start();
    await until(() => clocks.every((clock) => clock.now >= start + seconds * 1_000), `${seconds} simulated seconds`, 20_000);
    for (const clock of clocks) await clock.close();
    await json.flush();
    await edge.flush();

    const sentJson = json.counters();
    const sentSparkplug = edge.counters();
    expect(sentJson).toMatchObject({ messagesFailed: 0, tagsCoalesced: 0, valuesSkipped: 0, inFlight: 0 });
    expect(sentSparkplug).toMatchObject({ births: 1, nullsSent: 0, coalesced: 0, valuesSkipped: 0, dropped: 0, held: 0 });
    // Ticks follow the wall clock, so a slow tick can cover two grid points: most, not all, seconds are sent.
    expect(sentJson.tagsSent).toBeGreaterThan(jsonPlant.tags.length * seconds * 0.5);
    const expected = sentJson.tagsSent + sentSparkplug.metricsSent;
    const ingest = await runtime.api.until<IngestBody>('/api/v1/ingest', (body) => body.stored >= expected && body.pending === 0, 20_000);
    expect(ingest).toMatchObject({ received: expected, stored: expected, rejected: 0, failed: 0, filtered: 0, pending: 0 });

    // Per tag: the stored history has exactly as many points as the publisher sent of that tag.
    const end = Math.max(...clocks.map((clock) => clock.now));
    const history = async (path: string) =>
      (await runtime.api.get<HistoryBody>(`/api/v1/history?tag=${encodeURIComponent(path)}&from=${start - 1_000}&to=${end + 1_000}`)).body.points.length;
    for (const name of ['conveyor-1/belt-speed', 'cnc-1/spindle-speed', 'cnc-2/state', 'coolant-pump/discharge-pressure', 'cnc-2/good-parts']) {
      const tag = jsonPlant.tags.find((candidate) => candidate.path.endsWith(`/${name}`))!;
      expect(await history(tag.path), tag.path).toBe(json.tagsSentFor(tag.index));
    }
    const devices = deviceIds(sparkplugPlant.machines());
    const machines = sparkplugPlant.machines();
    for (const name of ['press-1/tonnage-peak', 'press-1/running', 'oven-1/zone1-temperature', 'press-1/good-parts']) {
      const tag = sparkplugPlant.tags.find((candidate) => candidate.path.endsWith(`/${name}`))!;
      const device = devices[machines.findIndex((machine) => machine.tags.includes(tag.index))]!;
      const path = `sim/line2/${device}/${tag.name}`;
      expect(await history(path), path).toBe(edge.metricsSentFor(tag.index));
    }
    await json.close();
    await edge.close();
  });
});
