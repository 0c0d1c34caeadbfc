// Integration tests of the durable subscriber against the machine's real Mosquitto 2.0.11 (plus a
// TCP proxy to cut or freeze connections, and a scripted fake broker for what Mosquitto never sends).
// Long because each scenario needs its own broker choreography; helpers sit at the bottom.
import { execFile } from 'node:child_process';
import { createServer, connect as connectSocket, type AddressInfo, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger, startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import {
  createDurableSubscriber,
  type DurableSubscriber,
  type DurableSubscriberEvent,
  type DurableSubscriberOptions,
} from '../src/durable-subscriber/index.ts';

const run = promisify(execFile);

interface Received {
  readonly topic: string;
  readonly text: string;
  readonly ack: () => void;
  readonly qos: 0 | 1;
  /** The handler's abort: drops the connection this message came on, if it is still the current one. */
  readonly abort: (reason: string) => void;
}

let broker: MosquittoServer;
let nextClient = 0;
const uniqueId = (name: string): string => `${name}-${process.pid}-${nextClient++}`;

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.close();
});

describe('durable subscriber on Mosquitto', () => {
  it('receives QoS 1 messages from mosquitto_pub and from mqtt.js and acknowledges them; QoS 0 needs no ack', async () => {
    const topic = uniqueId('receive');
    const sub = await subscriber(
      {
        url: broker.url,
        subscriptions: [
          { filter: `${topic}/#`, qos: 1 },
          { filter: `${topic}-zero`, qos: 0 },
        ],
      },
      { autoAck: true },
    );
    for (let index = 0; index < 3; index++) {
      await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', `${topic}/c`, '-m', `c-${index}`]);
    }
    const publisher = await mqttjs(broker.url);
    for (let index = 0; index < 3; index++) await publisher.publishAsync(`${topic}/js`, `js-${index}`, { qos: 1 });
    await publisher.publishAsync(`${topic}-zero`, 'zero', { qos: 0 });
    await waitFor(() => sub.instance.counters.acked === 6 && sub.received.length === 7, 'six PUBACKs and seven messages');
    expect(sub.received.map(({ topic: t, text, qos }) => ({ t, text, qos }))).toEqual([
      ...[0, 1, 2].map((index) => ({ t: `${topic}/c`, text: `c-${index}`, qos: 1 })),
      ...[0, 1, 2].map((index) => ({ t: `${topic}/js`, text: `js-${index}`, qos: 1 })),
      { t: `${topic}-zero`, text: 'zero', qos: 0 },
    ]);
    await publisher.endAsync();
    await sub.instance.close();
  });

  it('drops the connection when the message handler throws, so the broker redelivers', async () => {
    const topic = uniqueId('throw');
    const texts: string[] = [];
    let thrown = false;
    const logger = createCapturingLogger();
    const instance = createDurableSubscriber(
      { url: broker.url, clientId: uniqueId('throw-client'), subscriptions: [{ filter: topic, qos: 1 }], reconnect: { initialMs: 20, maxMs: 100 } },
      {
        logger,
        onMessage(_topic, payload, ack) {
          const text = payload.toString();
          if (text === '1' && !thrown) {
            thrown = true;
            throw new Error('handler bug');
          }
          texts.push(text);
          ack();
        },
      },
    );
    await waitFor(() => instance.status === 'connected', 'connection');
    await instance.publish(`${topic}/sync`, '', 1);
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 3);
    await waitFor(() => texts.includes('1') && texts.includes('2') && instance.counters.acked >= 3, 'redelivery after the throw');
    expect({ texts: [...new Set(texts)].sort(), reconnects: instance.counters.reconnects }).toEqual({ texts: ['0', '1', '2'], reconnects: 1 });
    expect(logger.entries.find((entry) => entry.level === 'warn')?.meta).toMatchObject({ reason: 'handling a packet failed: Error: handler bug' });
    await publisher.endAsync();
    await instance.close();
  });

  it('gets at most receiveMaximum unacked messages and only more as they are acked in order', async () => {
    const topic = uniqueId('window');
    const proxy = await startProxy(broker.port);
    const sub = await subscriber({ url: proxy.url, receiveMaximum: 10, subscriptions: [{ filter: topic, qos: 1 }] });
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 30);
    await waitFor(() => sub.received.length >= 10, '10 deliveries');
    await sleep(300);
    const onTheWire = () => proxy.fromBroker.filter((packet) => packet.cmd === 'publish' && packet.topic === topic).length;
    expect({ delivered: sub.received.length, sentByBroker: onTheWire() }).toEqual({ delivered: 10, sentByBroker: 10 });
    // Acks 2..5 are held back behind message 1, so the broker still sees 10 in flight.
    for (const message of sub.received.slice(1, 5)) message.ack();
    await sleep(300);
    expect({ delivered: sub.received.length, acked: sub.instance.counters.acked, sentByBroker: onTheWire() }).toEqual({
      delivered: 10,
      acked: 0,
      sentByBroker: 10,
    });
    // From the first PUBACK on, Mosquitto 2.0.11 sends past Receive Maximum (mosquitto#2301);
    // the subscriber holds the excess back, so the application still never has more than 10 unacked.
    sub.received[0]?.ack();
    await waitFor(() => sub.received.length >= 15, '15 deliveries');
    await sleep(300);
    expect({ delivered: sub.received.length, acked: sub.instance.counters.acked }).toEqual({ delivered: 15, acked: 5 });
    sub.ackEverythingFromNowOn();
    await waitFor(() => sub.instance.counters.acked === 30, 'all 30 acked');
    expect(sub.received.map((message) => message.text)).toEqual(numbers(30));
    await publisher.endAsync();
    await sub.instance.close();
    await proxy.close();
  });

  it('uses the MQTT 5 Receive Maximum even above the broker max_inflight_messages', async () => {
    const small = await startMosquitto({ extraConfig: ['max_inflight_messages 20'] });
    try {
      const topic = uniqueId('window-up');
      const sub = await subscriber({ url: small.url, receiveMaximum: 100, subscriptions: [{ filter: topic, qos: 1 }] });
      const publisher = await mqttjs(small.url);
      await publishNumbered(publisher, topic, 150);
      await waitFor(() => sub.received.length >= 100, '100 deliveries');
      await sleep(300);
      expect(sub.received.length).toBe(100);
      sub.ackEverythingFromNowOn();
      await waitFor(() => sub.instance.counters.acked === 150, 'all 150 acked');
      await publisher.endAsync();
      await sub.instance.close();
    } finally {
      await small.close();
    }
  });

  it('after an abrupt socket loss (kill -9) the unacked half is redelivered to the same clientId and nothing acked returns', async () => {
    const topic = uniqueId('kill');
    const clientId = uniqueId('kill-client');
    const proxy = await startProxy(broker.port);
    const first = await subscriber({ url: proxy.url, clientId, subscriptions: [{ filter: topic, qos: 1 }] });
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 20);
    await waitFor(() => first.received.length === 20, '20 deliveries');
    for (const message of first.received.slice(0, 10)) message.ack();
    await first.instance.publish(`${topic}/sync`, '', 1); // every PUBACK before it has been processed
    proxy.killAll();
    await waitFor(() => first.instance.status !== 'connected', 'the loss to be noticed');
    await first.instance.close();

    const second = await subscriber({ url: broker.url, clientId, subscriptions: [{ filter: topic, qos: 1 }] }, { autoAck: true });
    await waitFor(() => second.instance.counters.acked === 10, '10 redeliveries acked');
    await sleep(200);
    expect({ texts: second.received.map((message) => message.text), redelivered: second.instance.counters.redelivered }).toEqual({
      texts: numbers(20).slice(10),
      redelivered: 10,
    });
    await second.instance.close();
    await expectNothingPending(clientId, topic);
    await publisher.endAsync();
    await proxy.close();
  });

  it('reconnects by itself after a connection loss, ignoring late acks of the old connection', async () => {
    const topic = uniqueId('reconnect');
    const proxy = await startProxy(broker.port);
    const sub = await subscriber({ url: proxy.url, subscriptions: [{ filter: topic, qos: 1 }], reconnect: { initialMs: 20, maxMs: 100 } });
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 20);
    await waitFor(() => sub.received.length === 20, '20 deliveries');
    const oldConnection = sub.received.splice(0);
    for (const message of oldConnection.slice(0, 10)) message.ack();
    await sub.instance.publish(`${topic}/sync`, '', 1);
    proxy.killAll();
    await waitFor(() => sub.received.length === 10, 'redelivery of the unacked half');
    for (const message of oldConnection.slice(10)) message.ack(); // too late: ignored
    await sleep(100);
    expect({ texts: sub.received.map((message) => message.text), acked: sub.instance.counters.acked, reconnects: sub.instance.counters.reconnects }).toEqual({
      texts: numbers(20).slice(10),
      acked: 10,
      reconnects: 1,
    });
    for (const message of sub.received) message.ack();
    await waitFor(() => sub.instance.counters.acked === 20, 'all acked');
    await sub.instance.close();
    await expectNothingPending(sub.clientId, topic);
    await publisher.endAsync();
    await proxy.close();
  });

  it('after close() a new subscriber with the same clientId gets exactly the unacked messages', async () => {
    const topic = uniqueId('close');
    const clientId = uniqueId('close-client');
    const first = await subscriber({ url: broker.url, clientId, subscriptions: [{ filter: topic, qos: 1 }] });
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 20);
    await waitFor(() => first.received.length === 20, '20 deliveries');
    for (const message of first.received.slice(0, 10)) message.ack();
    await first.instance.close(); // flushes the 10 PUBACKs, then DISCONNECT keeps the session
    await first.instance.close();
    const second = await subscriber({ url: broker.url, clientId, subscriptions: [{ filter: topic, qos: 1 }] }, { autoAck: true });
    await waitFor(() => second.instance.counters.acked === 10, '10 redeliveries acked');
    await sleep(200);
    expect(second.received.map((message) => message.text)).toEqual(numbers(20).slice(10));
    await second.instance.close();
    await expectNothingPending(clientId, topic);
    await publisher.endAsync();
  });

  it('abort() ends the stall of an unacked message: the connection is dropped without PUBACKs and the broker redelivers', async () => {
    const topic = uniqueId('abort');
    const sub = await subscriber({ url: broker.url, receiveMaximum: 3, subscriptions: [{ filter: topic, qos: 1 }], reconnect: { initialMs: 20, maxMs: 100 } });
    const events = collect(sub.instance);
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 6);
    await waitFor(() => sub.received.length === 3, '3 deliveries');
    // Messages 1 and 2 are stored, message 0 is not (its store write failed): the window is stuck.
    const first = sub.received.splice(0);
    first[1]?.ack();
    first[2]?.ack();
    await sleep(300);
    expect({ delivered: sub.received.length, acked: sub.instance.counters.acked }).toEqual({ delivered: 0, acked: 0 });

    sub.instance.abort('storing failed: disk full');
    expect(sub.instance.status).toBe('disconnected');
    first[0]?.ack(); // too late: that connection is gone
    await waitFor(() => sub.received.length === 3, 'redelivery of the window');
    // A failure of the old connection reported late must not drop the new one.
    first[0]?.abort('storing failed late');
    sub.ackEverythingFromNowOn();
    await waitFor(() => sub.instance.counters.acked === 6, 'all 6 acked');
    expect({
      texts: sub.received.map((message) => message.text),
      redelivered: sub.instance.counters.redelivered,
      reconnects: sub.instance.counters.reconnects,
      status: sub.instance.status,
      lost: events.filter((event) => event.type === 'disconnected').map((event) => event.type === 'disconnected' && event.reason),
      warnings: sub.logger.entries.filter((entry) => entry.level === 'warn').map((entry) => ({ message: entry.message, reason: entry.meta?.['reason'] })),
    }).toEqual({
      texts: numbers(6),
      redelivered: 3,
      reconnects: 1,
      status: 'connected',
      lost: ['aborted: storing failed: disk full'],
      warnings: [
        { message: 'dropped the MQTT connection on request; unacknowledged messages will be redelivered', reason: 'aborted: storing failed: disk full' },
      ],
    });
    await sub.instance.close();
    await expectNothingPending(sub.clientId, topic);
    await publisher.endAsync();
  });

  it('pause() hands nothing more over but keeps the connection alive, and close() writes the acks made meanwhile', async () => {
    const topic = uniqueId('pause');
    const clientId = uniqueId('pause-client');
    const proxy = await startProxy(broker.port);
    const sub = await subscriber({ url: proxy.url, clientId, keepaliveSeconds: 1, receiveMaximum: 10, subscriptions: [{ filter: topic, qos: 1 }] });
    const events = collect(sub.instance);
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 15);
    await waitFor(() => sub.received.length === 10, '10 deliveries (Receive Maximum)');
    // After this first PUBACK Mosquitto sends the other 5 at once (mosquitto#2301): 1 fits, 4 are held.
    sub.received[0]?.ack();
    await waitFor(() => sub.instance.counters.messages === 15 && sub.received.length === 11, '11 handed over and 4 held');
    sub.instance.pause();
    const pingsBefore = proxy.toBroker.filter((packet) => packet.cmd === 'pingreq').length;
    // The pipeline drains: acks arrive while paused. They free room, but nothing more is handed over.
    for (const message of sub.received.slice(1, 6)) message.ack();
    await waitFor(() => sub.instance.counters.acked === 6, '5 more PUBACKs written while paused');
    // Keepalive goes on while paused (Mosquitto 2.0.11 drops a silent client only after ~5 s at keepalive 1, so count the PINGREQs).
    await sleep(2_500);
    const pingsWhilePaused = proxy.toBroker.filter((packet) => packet.cmd === 'pingreq').length - pingsBefore;
    expect({ delivered: sub.received.length, status: sub.instance.status, events, pinging: pingsWhilePaused >= 2 }).toEqual({
      delivered: 11,
      status: 'connected',
      events: [],
      pinging: true,
    });
    // The last acks come just before close(): it writes their PUBACKs before DISCONNECT.
    for (const message of sub.received.slice(6)) message.ack();
    const closing = Date.now();
    await sub.instance.close();
    // Reading was paused with data unread; close() still sees the broker's close at once.
    expect(Date.now() - closing).toBeLessThan(1_000);
    // Only what was never handed over comes back; every ack reached the broker on the paused connection.
    const second = await subscriber({ url: broker.url, clientId, subscriptions: [{ filter: topic, qos: 1 }] }, { autoAck: true });
    await waitFor(() => second.instance.counters.acked >= 4, '4 redeliveries acked');
    await sleep(200);
    expect(second.received.map((message) => message.text)).toEqual(numbers(15).slice(11));
    await second.instance.close();
    await expectNothingPending(clientId, topic);
    await publisher.endAsync();
    await proxy.close();
  });

  it('sends PUBACKs in arrival order whatever the order of ack() calls', async () => {
    const topic = uniqueId('order');
    const proxy = await startProxy(broker.port);
    const sub = await subscriber({ url: proxy.url, subscriptions: [{ filter: topic, qos: 1 }] });
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, 200);
    await waitFor(() => sub.received.length === 200, '200 deliveries');
    const shuffled = shuffle([...sub.received], 42);
    for (let start = 0; start < shuffled.length; start += 17) {
      for (const message of shuffled.slice(start, start + 17)) message.ack();
      await sleep(1);
    }
    await waitFor(() => sub.instance.counters.acked === 200, 'all 200 acked');
    await sub.instance.publish(`${topic}/sync`, '', 1);
    const publishIds = proxy.fromBroker.filter((packet) => packet.cmd === 'publish' && packet.qos === 1).map((packet) => packet.messageId);
    const pubackIds = proxy.toBroker.filter((packet) => packet.cmd === 'puback').map((packet) => packet.messageId);
    expect({ count: pubackIds.length, order: pubackIds }).toEqual({ count: 200, order: publishIds.slice(0, 200) });
    await sub.instance.close();
    await expectNothingPending(sub.clientId, topic);
    await publisher.endAsync();
    await proxy.close();
  });

  it('finds a dead connection by keepalive and reconnects', async () => {
    const topic = uniqueId('dead');
    const proxy = await startProxy(broker.port);
    const sub = await subscriber({ url: proxy.url, keepaliveSeconds: 1, subscriptions: [{ filter: topic, qos: 1 }], reconnect: { initialMs: 20, maxMs: 100 } });
    const events = collect(sub.instance);
    proxy.freezeAll();
    await waitFor(() => events.some((event) => event.type === 'disconnected'), 'the dead connection to be noticed', 5_000);
    await waitFor(() => sub.instance.status === 'connected', 'a new connection');
    const lost = events.find((event) => event.type === 'disconnected');
    expect(lost?.type === 'disconnected' && lost.reason).toMatch(/keepalive/);
    await sub.instance.close();
    await proxy.close();
  });

  it('names the URL and the reason code when the broker refuses the connection', async () => {
    const closed = await startMosquitto({ extraConfig: ['allow_anonymous false'] });
    try {
      const sub = await subscriber({ url: closed.url, subscriptions: [{ filter: 'x', qos: 1 }] }, { waitConnected: false });
      const events = collect(sub.instance);
      await waitFor(() => events.some((event) => event.type === 'disconnected'), 'the refusal');
      const refusal = events.find((event) => event.type === 'disconnected');
      expect(refusal?.type === 'disconnected' && { name: refusal.error?.name, message: refusal.error?.message }).toEqual({
        name: 'NotAllowedError',
        message: `MQTT broker ${closed.url} refused client "${sub.clientId}": 0x87 Not authorized`,
      });
      expect(sub.logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual(['the MQTT broker refused the connection']);
      await sub.instance.close();
    } finally {
      await closed.close();
    }
  });

  it('rides out a broker restart with backoff and resumes its persisted session', async () => {
    const own = await startMosquitto();
    try {
      const topic = uniqueId('restart');
      const sub = await subscriber({ url: own.url, subscriptions: [{ filter: topic, qos: 1 }], reconnect: { initialMs: 50, maxMs: 400 } });
      const events = collect(sub.instance);
      const publisher = await mqttjs(own.url);
      await publishNumbered(publisher, topic, 20);
      await waitFor(() => sub.received.length === 20, '20 deliveries');
      const beforeRestart = sub.received.splice(0);
      for (const message of beforeRestart.slice(0, 10)) message.ack();
      await sub.instance.publish(`${topic}/sync`, '', 1);
      await publisher.endAsync();
      await own.restart(1_000);
      await waitFor(() => sub.instance.status === 'connected', 'reconnection', 10_000);
      sub.ackEverythingFromNowOn();
      const after = await mqttjs(own.url);
      await publishNumbered(after, topic, 5, 20);
      await waitFor(() => sub.received.length === 15, 'redelivered and new messages', 10_000);
      expect(sub.received.map((message) => message.text)).toEqual(numbers(25).slice(10));
      const connects = events.filter((event) => event.type === 'connected');
      expect({ connects, failedAttempts: events.filter((event) => event.type === 'disconnected').length > 1 }).toEqual({
        connects: [{ type: 'connected', sessionPresent: true, generation: expect.any(Number) }],
        failedAttempts: true,
      });
      expect(sub.logger.entries.filter((entry) => entry.level !== 'debug').map((entry) => entry.message)).toEqual([
        'connected to the MQTT broker',
        'lost the MQTT connection; unacknowledged messages will be redelivered',
        'cannot connect to the MQTT broker',
        'connected to the MQTT broker',
      ]);
      await after.endAsync();
      await sub.instance.close();
    } finally {
      await own.close();
    }
  });

  it('takes 20k messages with acks grouped per event-loop turn', async () => {
    const topic = uniqueId('bulk');
    const count = 20_000;
    const texts: string[] = [];
    let group: (() => void)[] = [];
    const logger = createCapturingLogger();
    const instance = createDurableSubscriber(
      { url: broker.url, clientId: uniqueId('bulk-client'), subscriptions: [{ filter: topic, qos: 1 }] },
      {
        logger,
        onMessage(_topic, payload, ack) {
          texts.push(payload.toString());
          if (group.length === 0) {
            setImmediate(() => {
              const acks = group;
              group = [];
              for (const release of acks) release();
            });
          }
          group.push(ack);
        },
      },
    );
    await waitFor(() => instance.status === 'connected', 'connection');
    await instance.publish(`${topic}/sync`, '', 1);
    const publisher = await mqttjs(broker.url);
    await publishNumbered(publisher, topic, count);
    await waitFor(() => instance.counters.acked === count, `${count} acked`, 25_000);
    expect({ inOrder: texts.every((text, index) => text === String(index)), received: texts.length }).toEqual({ inOrder: true, received: count });
    await publisher.endAsync();
    await instance.close();
  });

  it('leaves no socket, timer or immediate behind after close()', async () => {
    const before = activeResources();
    const sub = await subscriber({ url: broker.url, subscriptions: [{ filter: uniqueId('leak'), qos: 1 }] }, { autoAck: true });
    await sub.instance.publish('leak/sync', '', 1);
    await sub.instance.close();
    // Other tests' clients may still be winding down: only growth counts, and it must not last.
    const grown = () => Object.entries(activeResources()).filter(([kind, count]) => count > (before[kind] ?? 0));
    await waitFor(() => grown().length === 0, 'resources to settle', 1_000).catch(() => undefined);
    expect(grown()).toEqual([]);
  });
});

describe('durable subscriber on a scripted broker', () => {
  it('reports the reason of a DISCONNECT from the broker and reconnects', async () => {
    const fake = await startFakeBroker((send) => send({ cmd: 'disconnect', reasonCode: 0x8b, properties: { reasonString: 'maintenance' } }));
    const sub = await subscriber(
      { url: fake.url, subscriptions: [{ filter: 'plant/#', qos: 1 }], reconnect: { initialMs: 20, maxMs: 100 } },
      { waitConnected: false },
    );
    const events = collect(sub.instance);
    await waitFor(() => events.filter((event) => event.type === 'connected').length === 2, 'a reconnection');
    expect(events.find((event) => event.type === 'disconnected')).toMatchObject({
      reason: 'the broker sent DISCONNECT: 0x8B Server shutting down (maintenance)',
      error: { name: 'UnavailableError', code: 'SF_BROKER_UNAVAILABLE' },
    });
    await sub.instance.close();
    await fake.close();
  });

  it('names the filter when the broker refuses a subscription (Mosquitto 2.0.11 grants and filters by ACL later)', async () => {
    const fake = await startFakeBroker(
      () => undefined,
      (filter) => (filter.startsWith('secret/') ? 0x87 : filter.startsWith('cheap/') ? 0 : 1),
    );
    const sub = await subscriber(
      {
        url: fake.url,
        subscriptions: [
          { filter: 'open/#', qos: 1 },
          { filter: 'secret/#', qos: 1 },
          { filter: 'cheap/#', qos: 1 },
        ],
      },
      { waitConnected: false },
    );
    const events = collect(sub.instance);
    await waitFor(() => events.some((event) => event.type === 'subscribe-failed'), 'the SUBACK');
    const failure = events.find((event) => event.type === 'subscribe-failed');
    expect(failure?.type === 'subscribe-failed' && { filter: failure.filter, name: failure.error.name, message: failure.error.message }).toEqual({
      filter: 'secret/#',
      name: 'NotAllowedError',
      message: `MQTT broker ${fake.url} refused subscription "secret/#": 0x87 Not authorized`,
    });
    expect(sub.logger.entries.filter((entry) => entry.level !== 'info' && entry.level !== 'debug')).toEqual([
      { level: 'error', message: 'subscription refused', meta: expect.objectContaining({ filter: 'secret/#' }) },
      {
        level: 'warn',
        message: 'subscription granted at QoS 0 only: its messages cannot be acknowledged after storage',
        meta: expect.objectContaining({ filter: 'cheap/#' }),
      },
    ]);
    await sub.instance.close();
    await fake.close();
  });

  it('resolves topic aliases sent by the broker', async () => {
    const fake = await startFakeBroker((send) => {
      send({
        cmd: 'publish',
        topic: 'plant/line1/temp',
        payload: Buffer.from('a'),
        qos: 1,
        dup: false,
        retain: false,
        messageId: 1,
        properties: { topicAlias: 3 },
      });
      send({ cmd: 'publish', topic: '', payload: Buffer.from('b'), qos: 1, dup: false, retain: false, messageId: 2, properties: { topicAlias: 3 } });
    });
    const sub = await subscriber({ url: fake.url, subscriptions: [{ filter: 'plant/#', qos: 1 }] }, { autoAck: true });
    await waitFor(() => fake.pubacks.length === 2, 'two PUBACKs');
    expect({ received: sub.received.map(({ topic, text }) => ({ topic, text })), pubacks: fake.pubacks }).toEqual({
      received: [
        { topic: 'plant/line1/temp', text: 'a' },
        { topic: 'plant/line1/temp', text: 'b' },
      ],
      pubacks: [1, 2],
    });
    await sub.instance.close();
    await fake.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers

interface TestSubscriber {
  readonly instance: DurableSubscriber;
  readonly clientId: string;
  readonly received: Received[];
  readonly logger: ReturnType<typeof createCapturingLogger>;
  ackEverythingFromNowOn(): void;
}

async function subscriber(
  options: Omit<DurableSubscriberOptions, 'clientId'> & { clientId?: string },
  behaviour: { autoAck?: boolean; waitConnected?: boolean } = {},
): Promise<TestSubscriber> {
  const received: Received[] = [];
  const logger = createCapturingLogger();
  const clientId = options.clientId ?? uniqueId('sub');
  let autoAck = behaviour.autoAck ?? false;
  const instance = createDurableSubscriber(
    { ...options, clientId },
    {
      logger,
      random: () => 1,
      onMessage(topic, payload, ack, qos, abort) {
        if (topic.endsWith('/sync')) return ack();
        received.push({ topic, text: payload.toString(), ack, qos, abort });
        if (autoAck) ack();
      },
    },
  );
  const result: TestSubscriber = {
    instance,
    clientId,
    received,
    logger,
    ackEverythingFromNowOn() {
      autoAck = true;
      for (const message of received) message.ack();
    },
  };
  if (behaviour.waitConnected === false) return result;
  await waitFor(() => instance.status === 'connected', 'connection');
  // PUBACK of this publish proves the broker has processed our SUBSCRIBE (sent before it).
  await instance.publish(`${clientId}/sync`, '', 1);
  return result;
}

/** A new subscriber with the same clientId sees no message: everything was acknowledged. */
async function expectNothingPending(clientId: string, topic: string): Promise<void> {
  const probe = await subscriber({ url: broker.url, clientId, subscriptions: [{ filter: topic, qos: 1 }] });
  await sleep(200);
  expect(probe.received.map((message) => message.text)).toEqual([]);
  await probe.instance.close();
}

async function mqttjs(url: string): Promise<MqttClient> {
  return connectAsync(url, { clientId: uniqueId('publisher'), reconnectPeriod: 0 });
}

async function publishNumbered(client: MqttClient, topic: string, count: number, from = 0): Promise<void> {
  const sent: Promise<unknown>[] = [];
  for (let index = from; index < from + count; index++) sent.push(client.publishAsync(topic, String(index), { qos: 1 }));
  await Promise.all(sent);
}

const numbers = (count: number): string[] => Array.from({ length: count }, (_, index) => String(index));

function collect(instance: DurableSubscriber): DurableSubscriberEvent[] {
  const events: DurableSubscriberEvent[] = [];
  void (async () => {
    for await (const event of instance.events()) events.push(event);
  })();
  return events;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed;
  for (let index = items.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const other = state % (index + 1);
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap' || kind === 'Timeout' || kind === 'Immediate') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

interface Proxy {
  readonly url: string;
  /** MQTT packets seen on the way, decoded as MQTT 5. */
  readonly toBroker: Packet[];
  readonly fromBroker: Packet[];
  /** Resets every proxied connection at once, as a killed process or a pulled cable would. */
  killAll(): void;
  /** Stops forwarding on every current connection without closing it (a silent dead peer). */
  freezeAll(): void;
  close(): Promise<void>;
}

/** A TCP proxy to the broker that can cut or freeze connections and records the packets. */
async function startProxy(brokerPort: number): Promise<Proxy> {
  const pairs: { client: Socket; upstream: Socket; frozen: boolean }[] = [];
  const toBroker: Packet[] = [];
  const fromBroker: Packet[] = [];
  // Half-open sockets, so that a graceful close is passed on as one, after everything sent before it
  // (destroying the other side at once could drop the last PUBACKs and the DISCONNECT).
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connectSocket({ port: brokerPort, host: '127.0.0.1', allowHalfOpen: true });
    const pair = { client, upstream, frozen: false };
    pairs.push(pair);
    const up = createParser({ protocolVersion: 5 });
    const down = createParser({ protocolVersion: 5 });
    up.on('packet', (packet: Packet) => toBroker.push(packet));
    down.on('packet', (packet: Packet) => fromBroker.push(packet));
    client.on('data', (chunk: Buffer) => {
      if (pair.frozen) return;
      up.parse(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.frozen) return;
      down.parse(chunk);
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    const endUnlessFrozen = () => {
      if (!pair.frozen) end(); // a frozen peer stays silent even when the broker hangs up
    };
    client.on('end', () => {
      if (!pair.frozen) upstream.end();
    });
    upstream.on('end', () => {
      if (!pair.frozen) client.end();
    });
    client.on('close', end).on('error', end);
    upstream.on('close', endUnlessFrozen).on('error', endUnlessFrozen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const killAll = (): void => {
    for (const pair of pairs.splice(0)) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    toBroker,
    fromBroker,
    killAll,
    freezeAll() {
      for (const pair of pairs) pair.frozen = true;
    },
    async close() {
      killAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A broker that accepts clients, answers SUBSCRIBE with `grant` codes, then runs `script`; it records PUBACK ids. */
async function startFakeBroker(
  script: (send: (packet: Packet) => void) => void,
  grant: (filter: string) => number = () => 1,
): Promise<{ url: string; pubacks: number[]; close(): Promise<void> }> {
  const pubacks: number[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const send = (packet: Packet) => socket.write(generate(packet, { protocolVersion: 5 }));
    const parser = createParser({ protocolVersion: 5 });
    parser.on('packet', (packet: Packet) => {
      if (packet.cmd === 'connect') send({ cmd: 'connack', sessionPresent: false, reasonCode: 0 });
      if (packet.cmd === 'subscribe') {
        send({ cmd: 'suback', messageId: packet.messageId ?? 0, granted: packet.subscriptions.map((subscription) => grant(subscription.topic)) });
        script(send);
      }
      if (packet.cmd === 'publish' && packet.qos === 1) send({ cmd: 'puback', messageId: packet.messageId ?? 0 });
      if (packet.cmd === 'puback' && packet.messageId !== undefined) pubacks.push(packet.messageId);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pubacks,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
