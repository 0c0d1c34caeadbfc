import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger, startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import type { PlantDescription } from '@shopfloor/simulator';
import { startJsonPublisher } from '../src/index.ts';
import { startLiveMosquittoSub, until } from './live-mosquitto-sub.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { runTicks, testPlant, testStartTime } from './test-plant.ts';

interface ValuesBatch {
  ts: number;
  values: Record<string, number | boolean | string>;
}
interface PointsBatch {
  points: { tag: string; ts: number; value: number | boolean | string; quality?: string }[];
}

const jsonTypes = { float: 'number', int: 'number', bool: 'boolean', string: 'string' } as const;

/** conveyor-1 samples belt-speed at 0.5 Hz and motor-speed at 2 Hz; everything else at 1 Hz. */
function withRates(description: PlantDescription): PlantDescription {
  const conveyor = description.sites[0]?.areas[0]?.lines[0]?.cells[0]?.machines[0];
  if (conveyor === undefined) throw new Error('the default plant has no conveyor-1');
  conveyor.tags = [
    { name: 'belt-speed', rateHz: 0.5 },
    { name: 'motor-speed', rateHz: 2 },
  ];
  return description;
}

describe('JSON publisher through Mosquitto, seen by mosquitto_sub', () => {
  let broker: MosquittoServer;
  /** Publishers, subscribers and proxies of the running test, closed after it, in reverse order. */
  const owned: { close(): Promise<void> }[] = [];
  const own = <T extends { close(): Promise<void> }>(resource: T): T => {
    owned.push(resource);
    return resource;
  };
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterEach(async () => {
    for (const resource of owned.splice(0).reverse()) await resource.close();
  });
  afterAll(async () => {
    await broker.close();
    await until(() => !process.getActiveResourcesInfo().some((kind) => kind === 'TCPSocketWrap' || kind === 'Timeout'), 'sockets and timers to close');
  });

  it('publishes one values batch per machine and tick with the due tags, in the runtime format', async () => {
    const start = testStartTime();
    const plant = testPlant(start, withRates);
    const subscriber = own(await startLiveMosquittoSub(broker.port, ['acme/#']));
    const publisher = own(
      await startJsonPublisher(plant, { url: broker.url, clientId: 'sim-json', qos: 1, batching: 'per-machine' }, { logger: createCapturingLogger() }),
    );
    const machines = plant.machines();
    const end = runTicks(plant, start, 500, 8, (at) => publisher.publishDue(at));
    await publisher.flush();
    const counters = publisher.counters();
    // 8 ticks of 500 ms: everything is due at the first tick, then on its rate's grid: 1 Hz tags at
    // 4 more ticks, the 2 Hz one at every tick, the 0.5 Hz one at 2 more; conveyor-1 also alone at 3 ticks.
    const oneHz = plant.tags.length - 2;
    expect(counters).toEqual({
      messagesSent: machines.length * 5 + 3,
      tagsSent: oneHz * 5 + 8 + 3,
      messagesFailed: 0,
      tagsFailed: 0,
      tagsCoalesced: 0,
      valuesSkipped: 0,
      inFlight: 0,
    });
    await subscriber.waitFor((lines) => lines.length === counters.messagesSent, `${counters.messagesSent} messages`);

    const byPath = new Map(plant.tags.map((tag) => [tag.path, tag]));
    let tags = 0;
    for (const { topic, payload } of subscriber.lines) {
      const batch = JSON.parse(payload) as ValuesBatch;
      expect(Object.keys(batch)).toEqual(['ts', 'values']);
      expect(batch.ts).toBeGreaterThan(start);
      expect(batch.ts).toBeLessThanOrEqual(end);
      expect(machines.some((machine) => machine.path === topic)).toBe(true);
      for (const [name, value] of Object.entries(batch.values)) {
        const tag = byPath.get(`${topic}/${name}`);
        expect(tag, `${topic}/${name}`).toBeDefined();
        expect(typeof value).toBe(jsonTypes[tag?.dataType ?? 'float']);
        tags++;
      }
    }
    expect(tags).toBe(counters.tagsSent);
    const conveyor = 'acme/plant1/machining/line1/infeed/conveyor-1';
    const seen = (name: string) =>
      subscriber.lines
        .filter((line) => line.topic === conveyor && name in (JSON.parse(line.payload) as ValuesBatch).values)
        .map((line) => (JSON.parse(line.payload) as ValuesBatch).ts - start);
    expect(seen('belt-speed')).toEqual([500, 2_000, 4_000]);
    expect(seen('motor-speed')).toEqual([500, 1_000, 1_500, 2_000, 2_500, 3_000, 3_500, 4_000]);
    expect(seen('belt-tension')).toEqual([500, 1_000, 2_000, 3_000, 4_000]);
    const motorSpeed = plant.tags.findIndex((tag) => tag.path === `${conveyor}/motor-speed`);
    expect(publisher.tagsSentFor(motorSpeed)).toBe(8);
  });

  it('batches per line with a topic prefix, and sends tags of a dropped link in the points form with quality bad', async () => {
    const start = testStartTime();
    const plant = testPlant(start);
    const subscriber = own(await startLiveMosquittoSub(broker.port, ['sim/#']));
    const publisher = own(
      await startJsonPublisher(
        plant,
        { url: broker.url, clientId: 'sim-json-lines', qos: 0, batching: 'per-line', topicPrefix: 'sim', maxTagsPerMessage: 200 },
        { logger: createCapturingLogger() },
      ),
    );
    runTicks(plant, start, 1_000, 1, (at) => publisher.publishDue(at));
    plant.injectFault('acme/plant1/forming/line2/welding/robot-2', 'dropped-link');
    runTicks(plant, start + 1_000, 1_000, 1, (at) => publisher.publishDue(at));
    const counters = publisher.counters();
    expect(counters.tagsSent).toBe(2 * plant.tags.length);
    await subscriber.waitFor((lines) => lines.length === counters.messagesSent, `${counters.messagesSent} messages`);

    const lineTags = (line: string) => plant.tags.filter((tag) => tag.path.startsWith(`${line}/`)).length;
    const line1 = 'acme/plant1/machining/line1';
    const line2 = 'acme/plant1/forming/line2';
    const topics = subscriber.lines.map((line) => line.topic);
    // 200 tags at most per message: each line's tags split over several messages per tick.
    expect(topics.filter((topic) => topic === `sim/${line1}`).length).toBe(2 * Math.ceil(lineTags(line1) / 200));
    expect(topics.filter((topic) => topic === `sim/${line2}`).length).toBe(2 * Math.ceil(lineTags(line2) / 200));
    const second = subscriber.lines.filter((line) => line.topic === `sim/${line2}`).slice(-Math.ceil(lineTags(line2) / 200));
    const points = second.flatMap((line) => (JSON.parse(line.payload) as PointsBatch).points ?? []);
    const robot = points.filter((point) => point.tag.startsWith('welding/robot-2/'));
    expect(robot.length).toBe(plant.tags.filter((tag) => tag.path.startsWith(`${line2}/welding/robot-2/`)).length);
    expect(robot.every((point) => point.quality === 'bad' && point.ts === start + 2_000)).toBe(true);
    expect(points.filter((point) => !point.tag.startsWith('welding/robot-2/')).every((point) => point.quality === undefined)).toBe(true);
  });

  it('coalesces due tags instead of queueing when the QoS 1 window is full', async () => {
    const start = testStartTime();
    const plant = testPlant(start);
    const publisher = own(
      await startJsonPublisher(
        plant,
        { url: broker.url, clientId: 'sim-json-window', qos: 1, batching: 'per-machine', maxInFlight: 5 },
        { logger: createCapturingLogger() },
      ),
    );
    const machines = plant.machines().length;
    // Two ticks in a row without waiting: only 5 messages may be in flight.
    runTicks(plant, start, 1_000, 2, (at) => publisher.publishDue(at));
    expect(publisher.counters().inFlight).toBe(5);
    await publisher.flush();
    // The coalesced machines are due again at the next tick and go out with the newer values.
    runTicks(plant, start + 2_000, 1_000, 1, (at) => publisher.publishDue(at));
    await publisher.flush();
    const counters = publisher.counters();
    expect(counters.messagesSent).toBe(10);
    // Tick 1: 14 machines coalesced; tick 2: all 19 (the window is full); tick 3: 14 again.
    expect(counters.tagsCoalesced).toBe(plant.tags.length * 3 - counters.tagsSent);
    expect(counters.messagesSent + 14 + machines + 14).toBe(3 * machines);
  });

  it('rides out a dropped connection: unacknowledged messages are sent again, due tags are coalesced while it is down', async () => {
    const start = testStartTime();
    const plant = testPlant(start);
    const proxy = own(await startTcpProxy(broker.port));
    const publisher = own(
      await startJsonPublisher(
        plant,
        { url: `mqtt://127.0.0.1:${proxy.port}`, clientId: 'sim-json-drop', qos: 1, batching: 'per-machine', reconnectPeriodMs: 100 },
        { logger: createCapturingLogger() },
      ),
    );
    runTicks(plant, start, 1_000, 1, (at) => publisher.publishDue(at));
    proxy.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
    runTicks(plant, start + 1_000, 1_000, 1, (at) => publisher.publishDue(at));
    await publisher.flush();
    runTicks(plant, start + 2_000, 1_000, 1, (at) => publisher.publishDue(at));
    await publisher.flush();
    const counters = publisher.counters();
    // Every due sample was either sent or coalesced into a later tick; nothing failed or stayed in flight.
    expect(counters).toMatchObject({ messagesFailed: 0, inFlight: 0 });
    expect(counters.tagsSent + counters.tagsCoalesced).toBe(3 * plant.tags.length);
    expect(counters.tagsSent).toBeGreaterThanOrEqual(2 * plant.tags.length);
  });
});
