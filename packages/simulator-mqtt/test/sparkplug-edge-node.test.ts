import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { createCapturingLogger, startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import type { Plant } from '@shopfloor/simulator';
import {
  firstDeviceAlias,
  metricDataType,
  metricDataTypeCodes,
  startSparkplugEdgeNode,
  type SparkplugEdgeNode,
  type SparkplugEdgeNodeOptions,
} from '../src/index.ts';
import { startLiveMosquittoSub, until, type LiveSubscriber } from './live-mosquitto-sub.ts';
import { decodeSparkplugLine, encodeCommand, wireValue, type SparkplugLine } from './sparkplug-observer.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { runTicks, testPlant, testStartTime } from './test-plant.ts';

interface Rig {
  readonly plant: Plant;
  readonly start: number;
  readonly node: SparkplugEdgeNode;
  readonly subscriber: LiveSubscriber;
  /** Sparkplug messages of the group as mosquitto_sub saw them, in order. */
  messages(): SparkplugLine[];
  waitForMessages(count: number): Promise<SparkplugLine[]>;
  close(): Promise<void>;
}

describe('Sparkplug B edge node through Mosquitto, seen by mosquitto_sub', () => {
  let broker: MosquittoServer;
  let host: MqttClient;
  beforeAll(async () => {
    broker = await startMosquitto();
    host = await mqtt.connectAsync(broker.url, { clientId: 'test-host', clean: true, reconnectPeriod: 0 });
  });
  /** Rigs still open when a test ends (it failed before closing them). */
  const open = new Set<Rig>();
  afterEach(async () => {
    for (const test of open) await test.close();
  });
  afterAll(async () => {
    await host.endAsync();
    await broker.close();
    await until(() => !process.getActiveResourcesInfo().some((kind) => kind === 'TCPSocketWrap' || kind === 'Timeout'), 'sockets and timers to close');
  });

  async function rig(groupId: string, options: Partial<SparkplugEdgeNodeOptions> = {}, url = broker.url): Promise<Rig> {
    const start = testStartTime();
    const plant = testPlant(start);
    const subscriber = await startLiveMosquittoSub(broker.port, [`spBv1.0/${groupId}/#`]);
    const node = await startSparkplugEdgeNode(
      plant,
      { url, groupId, edgeNodeId: 'sim', devices: 'per-machine', reconnectPeriodMs: 100, ...options },
      { logger: createCapturingLogger() },
    );
    const messages = () => subscriber.lines.map(decodeSparkplugLine);
    const test: Rig = {
      plant,
      start,
      node,
      subscriber,
      messages,
      async waitForMessages(count) {
        await subscriber.waitFor((lines) => lines.length >= count, `${count} Sparkplug messages`);
        return messages();
      },
      async close() {
        open.delete(test);
        await node.close();
        await subscriber.close();
      },
    };
    open.add(test);
    return test;
  }

  function publishState(hostId: string, online: boolean, timestamp: number): void {
    void host.publish(`spBv1.0/STATE/${hostId}`, JSON.stringify({ online, timestamp }), { qos: 1, retain: true });
  }

  it('births: NBIRTH with bdSeq, seq 0 and Node Control/Rebirth, then a DBIRTH per machine with every metric', async () => {
    const test = await rig('births', { bdSeqStart: 7 });
    const devices = test.plant.machines();
    const messages = await test.waitForMessages(1 + devices.length);
    const [nbirth, ...dbirths] = messages;
    expect(nbirth?.topic).toBe('spBv1.0/births/NBIRTH/sim');
    expect(nbirth?.seq).toBe(0);
    expect(nbirth?.timestamp).toBe(test.start);
    // Every NBIRTH metric has name, alias, datatype, timestamp and value.
    expect(nbirth?.metrics.slice(0, 2)).toEqual([
      { name: 'bdSeq', alias: 0, timestamp: test.start, datatype: metricDataTypeCodes.UInt64, longValue: 7 },
      { name: 'Node Control/Rebirth', alias: 1, timestamp: test.start, datatype: metricDataTypeCodes.Boolean, booleanValue: false },
    ]);
    expect(
      nbirth?.metrics.every(
        (metric) => metric.name !== undefined && metric.alias !== undefined && metric.datatype !== undefined && metric.timestamp === test.start,
      ),
    ).toBe(true);
    // sparkplug-payload's own decoder reads the same.
    expect(nbirth?.decoded.metrics?.find((metric) => metric.name === 'Node Control/Rebirth')).toMatchObject({ type: 'Boolean', value: false });
    expect(test.node.bdSeq).toBe(7);

    expect(dbirths.map((message) => [message.type, message.device, message.seq])).toEqual(devices.map((device, index) => ['DBIRTH', device.id, index + 1]));
    const aliases = new Set<number>();
    for (const [position, device] of devices.entries()) {
      const dbirth = dbirths[position] as SparkplugLine;
      expect(dbirth.timestamp).toBe(test.start);
      expect(dbirth.metrics.length).toBe(device.tags.length);
      for (const [offset, index] of device.tags.entries()) {
        const tag = test.plant.tags[index]!;
        const metric = dbirth.metrics[offset]!;
        const datatype = metricDataTypeCodes[metricDataType(tag, 'Double')];
        expect(metric).toMatchObject({ name: tag.name, alias: firstDeviceAlias + index, timestamp: test.start, datatype });
        expect(wireValue(metric, datatype)).toEqual(test.plant.valueAt(index));
        aliases.add(metric.alias!);
      }
    }
    expect(aliases.size).toBe(test.plant.tags.length);
    const counters = test.node.counters();
    expect(counters).toMatchObject({
      messagesSent: 1 + devices.length,
      metricsSent: test.plant.tags.length,
      births: 1,
      deviceBirths: devices.length,
      nullsSent: 0,
    });
    await test.close();
  });

  it('DDATA: only changed metrics, by alias only, timestamped with simulated time; seq runs on and wraps 255 → 0', async () => {
    const test = await rig('data');
    const births = 1 + test.plant.machines().length;
    await test.waitForMessages(births);
    // 20 ticks of one simulated second: about 19 DDATA each, so seq passes 255 and wraps.
    runTicks(test.plant, test.start, 1_000, 20, (at) => test.node.publishDue(at));
    await test.node.flush();
    const sent = test.node.counters().messagesSent;
    expect(sent).toBeGreaterThan(256);
    const messages = await test.waitForMessages(sent);
    expect(messages.length).toBe(sent);

    const seqs = messages.map((message) => message.seq);
    expect(seqs.every((seq, position) => seq === position % 256)).toBe(true);
    expect(seqs.filter((seq) => seq === 0).length).toBe(Math.ceil(sent / 256));

    const data = messages.slice(births);
    expect(data.every((message) => message.type === 'DDATA')).toBe(true);
    const tickTimes = new Set(Array.from({ length: 20 }, (_, tick) => test.start + (tick + 1) * 1_000));
    for (const message of data) {
      expect(tickTimes.has(message.timestamp!)).toBe(true);
      for (const metric of message.metrics) {
        expect(metric.name).toBeUndefined();
        expect(metric.datatype).toBeUndefined();
        expect(metric.alias).toBeGreaterThanOrEqual(firstDeviceAlias);
        expect(metric.timestamp).toBe(message.timestamp);
      }
    }
    // Replaying births and data as a host would gives the plant's current values.
    const datatypes = new Map<number, number>();
    const latest = new Map<number, { value: unknown; ts: number }>();
    for (const message of messages) {
      for (const metric of message.metrics) {
        if (metric.alias === undefined || metric.alias < firstDeviceAlias) continue;
        if (metric.datatype !== undefined) datatypes.set(metric.alias, metric.datatype);
        const previous = latest.get(metric.alias);
        const value = wireValue(metric, datatypes.get(metric.alias)!);
        // Report by exception: a metric is sent only when its value changed.
        if (message.type === 'DDATA') expect(value).not.toEqual(previous?.value);
        latest.set(metric.alias, { value, ts: metric.timestamp! });
      }
    }
    for (const tag of test.plant.tags) expect(latest.get(firstDeviceAlias + tag.index)?.value, tag.path).toEqual(test.plant.valueAt(tag.index));
    const counters = test.node.counters();
    const metrics = messages.flatMap((message) => message.metrics.filter((metric) => metric.alias !== undefined && metric.alias >= firstDeviceAlias));
    expect(counters.metricsSent).toBe(metrics.length);
    await test.close();
  });

  it('answers an NCMD Node Control/Rebirth with a new NBIRTH (same bdSeq, seq 0) and every DBIRTH', async () => {
    const test = await rig('rebirth', { bdSeqStart: 3 });
    const devices = test.plant.machines().length;
    await test.waitForMessages(1 + devices);
    runTicks(test.plant, test.start, 1_000, 2, (at) => test.node.publishDue(at));
    await test.node.flush();
    const before = test.node.counters().messagesSent;
    await host.publishAsync(
      'spBv1.0/rebirth/NCMD/sim',
      encodeCommand({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }),
    );
    await until(() => test.node.counters().rebirthRequests === 1, 'the rebirth');
    // mosquitto_sub sees the NCMD too.
    const messages = await test.waitForMessages(before + 2 + devices);
    const rebirth = messages.slice(before).filter((message) => message.type !== 'NCMD');
    expect(rebirth.map((message) => [message.type, message.seq])).toEqual([['NBIRTH', 0], ...test.plant.machines().map((_, index) => ['DBIRTH', index + 1])]);
    expect(rebirth[0]?.metrics.find((metric) => metric.name === 'bdSeq')?.longValue).toBe(3);
    expect(rebirth[1]?.timestamp).toBe(test.start + 2_000);
    await test.close();
  });

  it('applies a DCMD to a setpoint (by alias) and reports the new value in DDATA; refuses a metric that is no setpoint', async () => {
    const test = await rig('commands');
    await test.waitForMessages(1 + test.plant.machines().length);
    const setpoint = test.plant.tags.find((tag) => tag.path.endsWith('/conveyor-1/speed-setpoint'))!;
    const measured = test.plant.tags.find((tag) => tag.path.endsWith('/conveyor-1/belt-speed'))!;
    const before = test.plant.valueAt(setpoint.index);
    await host.publishAsync(
      'spBv1.0/commands/DCMD/sim/conveyor-1',
      encodeCommand({
        timestamp: Date.now(),
        metrics: [
          { alias: firstDeviceAlias + setpoint.index, type: 'Double', value: 0.8 },
          { name: measured.name, type: 'Double', value: 9 },
        ],
      }),
    );
    await until(() => test.node.counters().commandsApplied === 1, 'the setpoint write');
    expect(before).not.toBe(0.8);
    expect(test.plant.valueAt(setpoint.index)).toBe(0.8);
    runTicks(test.plant, test.start, 1_000, 1, (at) => test.node.publishDue(at));
    await test.node.flush();
    const messages = await test.waitForMessages(test.node.counters().messagesSent + 1);
    const data = messages.filter((message) => message.type === 'DDATA' && message.device === 'conveyor-1').flatMap((message) => message.metrics);
    expect(data.find((metric) => metric.alias === firstDeviceAlias + setpoint.index)?.doubleValue).toBe(0.8);
    await test.close();
  });

  it('DDEATH when a machine loses its link, DBIRTH when it is back', async () => {
    const test = await rig('links');
    const devices = test.plant.machines().length;
    await test.waitForMessages(1 + devices);
    const label = test.plant.injectFault('acme/plant1/machining/line1/handling/robot-1', 'dropped-link');
    runTicks(test.plant, test.start, 1_000, 2, (at) => test.node.publishDue(at));
    test.plant.clearFault(label.id);
    runTicks(test.plant, test.start + 2_000, 1_000, 1, (at) => test.node.publishDue(at));
    await test.node.flush();
    const messages = await test.waitForMessages(test.node.counters().messagesSent);
    const robot = messages.filter((message) => message.device === 'robot-1').map((message) => [message.type, message.timestamp]);
    expect(robot).toEqual([
      ['DBIRTH', test.start],
      ['DDEATH', test.start + 1_000],
      ['DBIRTH', test.start + 3_000],
    ]);
    const death = messages.find((message) => message.type === 'DDEATH');
    expect(death?.metrics).toEqual([]);
    expect(test.node.counters()).toMatchObject({ deviceDeaths: 1, deviceBirths: devices + 1 });
    await test.close();
  });

  it('waits for the primary host, holds data while it is offline and replays it as historical DDATA after the rebirth', async () => {
    const hostId = 'scada-hold';
    const hostOnlineAt = Date.now();
    publishState(hostId, false, hostOnlineAt - 10_000);
    const test = await rig('held', { primaryHostId: hostId, bdSeqStart: 10 });
    const devices = test.plant.machines().length;
    // The host is offline: no births; two ticks of data are held.
    runTicks(test.plant, test.start, 1_000, 2, (at) => test.node.publishDue(at));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(test.subscriber.lines).toEqual([]);
    expect(test.node.phase).toBe('waiting-for-host');
    const firstHeld = test.node.counters().held;
    expect(firstHeld).toBeGreaterThan(test.plant.tags.length);

    publishState(hostId, true, hostOnlineAt);
    let messages = await test.waitForMessages(1 + devices);
    await until(() => test.node.counters().held === 0, 'the held data to be replayed');
    await test.node.flush();
    messages = await test.waitForMessages(test.node.counters().messagesSent);
    expect(messages[0]?.metrics.find((metric) => metric.name === 'bdSeq')?.longValue).toBe(10);
    const historical = messages.filter((message) => message.type === 'DDATA');
    const metrics = historical.flatMap((message) => message.metrics);
    expect(metrics.length).toBe(firstHeld);
    expect(metrics.every((metric) => metric.isHistorical === true && metric.name === undefined)).toBe(true);
    expect(new Set(metrics.map((metric) => metric.timestamp))).toEqual(new Set([test.start + 1_000, test.start + 2_000]));
    expect(historical.every((message) => message.timestamp === test.start + 2_000)).toBe(true);

    // The host goes offline (its Will, same timestamp as its online STATE): NDEATH, reconnect with the next bdSeq, hold.
    const before = messages.length;
    publishState(hostId, false, hostOnlineAt);
    await until(() => test.node.phase === 'waiting-for-host' && test.node.bdSeq === 11, 'the edge node to reconnect');
    messages = await test.waitForMessages(before + 1);
    expect(messages[before]).toMatchObject({ type: 'NDEATH', seq: undefined });
    expect(messages[before]?.metrics).toEqual([{ name: 'bdSeq', timestamp: test.start + 2_000, datatype: metricDataTypeCodes.UInt64, longValue: 10 }]);
    runTicks(test.plant, test.start + 2_000, 1_000, 3, (at) => test.node.publishDue(at));
    const held = test.node.counters().held;
    expect(held).toBeGreaterThan(0);
    // A stale retained STATE (older timestamp) is ignored.
    publishState(hostId, true, hostOnlineAt - 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(test.node.phase).toBe('waiting-for-host');

    publishState(hostId, true, hostOnlineAt + 1);
    await until(() => test.node.phase === 'online' && test.node.counters().held === 0, 'the second birth');
    await test.node.flush();
    messages = await test.waitForMessages(test.node.counters().messagesSent);
    const second = messages.slice(before + 1);
    expect(second[0]).toMatchObject({ type: 'NBIRTH', seq: 0 });
    expect(second[0]?.metrics.find((metric) => metric.name === 'bdSeq')?.longValue).toBe(11);
    const replayed = second.filter((message) => message.type === 'DDATA').flatMap((message) => message.metrics);
    expect(replayed.length).toBe(held);
    expect(new Set(replayed.map((metric) => metric.timestamp))).toEqual(new Set([test.start + 3_000, test.start + 4_000, test.start + 5_000]));
    expect(second.map((message) => message.seq)).toEqual(second.map((_, position) => position));
    expect(test.node.counters()).toMatchObject({ births: 2, dropped: 0, historicalSent: firstHeld + held });
    publishState(hostId, false, hostOnlineAt + 1);
    await test.close();
  });

  it('the Will NDEATH carries the session bdSeq when the connection dies; the next session takes the next bdSeq and replays', async () => {
    const proxy = await startTcpProxy(broker.port);
    const test = await rig('will', { bdSeqStart: 255 }, `mqtt://127.0.0.1:${proxy.port}`);
    const devices = test.plant.machines().length;
    await test.waitForMessages(1 + devices);
    proxy.dropConnections();
    await until(() => test.node.phase === 'offline', 'the edge node to notice');
    runTicks(test.plant, test.start, 1_000, 2, (at) => test.node.publishDue(at));
    const held = test.node.counters().held;
    await until(() => test.node.phase === 'online' && test.node.counters().held === 0, 'the reconnect and rebirth');
    await test.node.flush();
    const messages = await test.waitForMessages(test.node.counters().messagesSent + 1);
    const ndeath = messages.find((message) => message.type === 'NDEATH');
    expect(ndeath?.seq).toBeUndefined();
    expect(ndeath?.metrics).toMatchObject([{ name: 'bdSeq', longValue: 255 }]);
    const nbirths = messages.filter((message) => message.type === 'NBIRTH');
    expect(nbirths.map((message) => message.metrics.find((metric) => metric.name === 'bdSeq')?.longValue)).toEqual([255, 0]);
    const replayed = messages.filter((message) => message.type === 'DDATA').flatMap((message) => message.metrics);
    expect(replayed.length).toBe(held);
    expect(replayed.every((metric) => metric.isHistorical === true)).toBe(true);
    await test.close();
    await proxy.close();
  });
});
