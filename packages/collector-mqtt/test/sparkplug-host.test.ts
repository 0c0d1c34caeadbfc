import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoServer } from '@shopfloor/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { connectEdgeNode, encodePayload, encodeRawPayload, eventually, startHostHarness, type HostHarness } from './sparkplug-harness.ts';

// The host on a real Mosquitto, fed by a simulated edge node (another mqtt.js client); rebirth
// commands and STATE are observed by independent subscribers.
const t0 = 1_700_000_000_000;
const receivedAt = t0 + 60_000;
const rebirth = (group: string, edgeNode: string) => ({
  topic: `spBv1.0/${group}/NCMD/${edgeNode}`,
  timestamp: receivedAt,
  metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
});

const nbirth = (bdSeq: number) =>
  encodePayload({
    timestamp: t0,
    seq: 0,
    metrics: [
      { name: 'bdSeq', type: 'UInt64', value: bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false, alias: 1 },
      { name: 'Temperature', type: 'Float', value: 21.5, alias: 2 },
      { name: 'Counter', type: 'UInt32', value: 7, alias: 3 },
      { name: 'Line/Running', type: 'Boolean', value: true, alias: 4 },
      { name: 'Properties/OS', type: 'String', value: 'linux', alias: 5 },
    ],
  });
const birthPoints = (base: string) => [
  { tag: `${base}/Temperature`, ts: t0, value: 21.5, quality: 'good' },
  { tag: `${base}/Counter`, ts: t0, value: 7, quality: 'good' },
  { tag: `${base}/Line/Running`, ts: t0, value: true, quality: 'good' },
];
const ndata = (seq: number, temperature = seq) => encodeRawPayload({ timestamp: t0 + seq, seq, metrics: [{ alias: 2, floatValue: temperature }] });

describe('Sparkplug host on Mosquitto', () => {
  let broker: MosquittoServer;
  let harness: HostHarness | undefined;
  const clients: MqttClient[] = [];
  let hosts = 0;

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  });
  afterAll(async () => {
    await broker.close();
    // Every socket and timer of the suite is gone (STYLE.md §11).
    await eventually(() => !process.getActiveResourcesInfo().some((kind) => kind === 'TCPSocketWrap' || kind === 'Timeout'), 'sockets and timers to close');
  });

  async function start(): Promise<HostHarness> {
    hosts += 1;
    harness = await startHostHarness(broker.url, { hostId: `host-${hosts}` }, () => receivedAt);
    return harness;
  }
  async function edge(group: string, edgeNode: string, bdSeq: number) {
    const node = await connectEdgeNode(broker.url, group, edgeNode, bdSeq);
    clients.push(node.client);
    return node;
  }

  it('decodes births and data, UInt32 in int_value and alias-only metrics included', async () => {
    const { results, commands, settle, host } = await start();
    const node = await edge('G', 'E1', 0);
    await node.publish('NBIRTH', nbirth(0));
    await node.publish(
      'DBIRTH',
      encodePayload({
        timestamp: t0,
        seq: 1,
        metrics: [
          { name: 'Speed', type: 'Double', value: 1.25, alias: 10 },
          { name: 'Mode', type: 'String', value: 'auto', alias: 11 },
          { name: 'Total', type: 'UInt64', value: 2 ** 40, alias: 12 },
        ],
      }),
      'press 1',
    );
    await node.publish(
      'NDATA',
      encodeRawPayload({
        timestamp: t0 + 1_000,
        seq: 2,
        metrics: [
          { alias: 3, intValue: 4_000_000_000 },
          { alias: 2, floatValue: 0.1, timestamp: t0 + 999 },
          { alias: 4, booleanValue: false },
        ],
      }),
    );
    await node.publish(
      'DDATA',
      encodeRawPayload({
        timestamp: t0 + 2_000,
        seq: 3,
        metrics: [
          { alias: 10, doubleValue: 2.5 },
          { alias: 12, longValue: 2 ** 40 + 1 },
          { alias: 11, stringValue: 'manual' },
        ],
      }),
      'press 1',
    );
    await settle(4);
    expect(results).toEqual([
      { topic: 'spBv1.0/G/NBIRTH/E1', decoded: { accepted: birthPoints('G/E1'), rejected: [] } },
      {
        topic: 'spBv1.0/G/DBIRTH/E1/press 1',
        decoded: {
          accepted: [
            { tag: 'G/E1/press_1/Speed', ts: t0, value: 1.25, quality: 'good' },
            { tag: 'G/E1/press_1/Mode', ts: t0, value: 'auto', quality: 'good' },
            { tag: 'G/E1/press_1/Total', ts: t0, value: 2 ** 40, quality: 'good' },
          ],
          rejected: [],
        },
      },
      {
        topic: 'spBv1.0/G/NDATA/E1',
        decoded: {
          accepted: [
            { tag: 'G/E1/Counter', ts: t0 + 1_000, value: 4_000_000_000, quality: 'good' },
            { tag: 'G/E1/Temperature', ts: t0 + 999, value: 0.1, quality: 'good' },
            { tag: 'G/E1/Line/Running', ts: t0 + 1_000, value: false, quality: 'good' },
          ],
          rejected: [],
        },
      },
      {
        topic: 'spBv1.0/G/DDATA/E1/press 1',
        decoded: {
          accepted: [
            { tag: 'G/E1/press_1/Speed', ts: t0 + 2_000, value: 2.5, quality: 'good' },
            { tag: 'G/E1/press_1/Total', ts: t0 + 2_000, value: 2 ** 40 + 1, quality: 'good' },
            { tag: 'G/E1/press_1/Mode', ts: t0 + 2_000, value: 'manual', quality: 'good' },
          ],
          rejected: [],
        },
      },
    ]);
    expect(commands).toEqual([]);
    expect(host.status()).toEqual({
      hostId: 'host-1',
      rebirthsRequested: 0,
      edgeNodes: [
        {
          group: 'G',
          edgeNode: 'E1',
          online: true,
          bdSeq: 0,
          lastSeq: 3,
          seqGaps: 0,
          rebirthsRequested: 0,
          rebirthPending: false,
          devices: [{ device: 'press 1', online: true }],
        },
      ],
    });
  });

  it('asks for a rebirth once on a seq gap, and still takes the data of that message', async () => {
    const { results, commands, settle } = await start();
    const node = await edge('G', 'E2', 0);
    await node.publish('NBIRTH', nbirth(0));
    await node.publish('NDATA', ndata(1));
    await node.publish('NDATA', ndata(3));
    await settle(3);
    expect(results[2]).toEqual({
      topic: 'spBv1.0/G/NDATA/E2',
      decoded: { accepted: [{ tag: 'G/E2/Temperature', ts: t0 + 3, value: 3, quality: 'good' }], rejected: [] },
    });
    expect(commands).toEqual([rebirth('G', 'E2')]);
  });

  it('sends one rebirth for a burst of gaps', async () => {
    const { results, commands, settle } = await start();
    const node = await edge('G', 'E3', 0);
    await node.publish('NBIRTH', nbirth(0));
    for (const seq of [5, 9, 20, 21, 40]) await node.publish('NDATA', ndata(seq));
    await settle(6);
    expect(results.map((result) => result.decoded.accepted.length)).toEqual([3, 1, 1, 1, 1, 1]);
    expect(commands).toEqual([rebirth('G', 'E3')]);
  });

  it('refuses a metric with an unknown alias and asks for a rebirth', async () => {
    const { results, commands, settle } = await start();
    const node = await edge('G', 'E4', 0);
    await node.publish('NBIRTH', nbirth(0));
    await node.publish(
      'NDATA',
      encodeRawPayload({
        timestamp: t0 + 5,
        seq: 1,
        metrics: [
          { alias: 2, floatValue: 22 },
          { alias: 99, intValue: 1 },
        ],
      }),
    );
    await settle(2);
    expect(results[1]).toEqual({
      topic: 'spBv1.0/G/NDATA/E4',
      decoded: {
        accepted: [{ tag: 'G/E4/Temperature', ts: t0 + 5, value: 22, quality: 'good' }],
        rejected: [{ reason: 'unknown-alias', input: 'spBv1.0/G/NDATA/E4[1]', detail: 'metric alias 99 is not in the NBIRTH', count: 1 }],
      },
    });
    expect(commands).toEqual([rebirth('G', 'E4')]);
  });

  it('refuses data before the birth and asks for a rebirth', async () => {
    const { results, commands, settle } = await start();
    const node = await edge('G', 'E5', 0);
    await node.publish(
      'NDATA',
      encodeRawPayload({
        timestamp: t0,
        seq: 7,
        metrics: [
          { alias: 2, floatValue: 1 },
          { alias: 3, intValue: 2 },
        ],
      }),
    );
    await settle(1);
    expect(results).toEqual([
      {
        topic: 'spBv1.0/G/NDATA/E5',
        decoded: {
          accepted: [],
          rejected: [
            {
              reason: 'data-before-birth',
              input: 'spBv1.0/G/NDATA/E5',
              detail: 'NDATA arrived before the NBIRTH of G/E5; its metrics cannot be resolved',
              count: 2,
            },
          ],
        },
      },
    ]);
    expect(commands).toEqual([rebirth('G', 'E5')]);
  });

  it('takes the seq wrap from 255 to 0 as no gap', async () => {
    const { results, commands, settle, host } = await start();
    const node = await edge('G', 'E6', 0);
    await node.publish('NBIRTH', nbirth(0));
    for (let message = 1; message <= 257; message++) await node.publish('NDATA', ndata(message % 256, message));
    await settle(258);
    expect(results.flatMap((result) => result.decoded.rejected)).toEqual([]);
    expect(commands).toEqual([]);
    expect(host.status().edgeNodes).toEqual([
      { group: 'G', edgeNode: 'E6', online: true, bdSeq: 0, lastSeq: 1, seqGaps: 0, rebirthsRequested: 0, rebirthPending: false, devices: [] },
    ]);
  });

  it('marks every tag of the node and its devices stale when the NDEATH of the session arrives', async () => {
    const { results, settle, host } = await start();
    const node = await edge('G', 'E7', 7);
    await node.publish('NBIRTH', nbirth(7));
    await node.publish('DBIRTH', encodePayload({ timestamp: t0, seq: 1, metrics: [{ name: 'Speed', type: 'Int16', value: -12, alias: 10 }] }), 'press');
    await node.publish('NDATA', ndata(2, 23.5));
    await settle(3);
    node.client.stream.destroy(); // an abrupt loss: Mosquitto publishes the Will, the NDEATH with bdSeq 7
    await settle(4);
    expect(results[3]).toEqual({
      topic: 'spBv1.0/G/NDEATH/E7',
      decoded: {
        accepted: [
          { tag: 'G/E7/Temperature', ts: receivedAt, value: 23.5, quality: 'bad' },
          { tag: 'G/E7/Counter', ts: receivedAt, value: 7, quality: 'bad' },
          { tag: 'G/E7/Line/Running', ts: receivedAt, value: true, quality: 'bad' },
          { tag: 'G/E7/press/Speed', ts: receivedAt, value: -12, quality: 'bad' },
        ],
        rejected: [],
      },
    });
    expect(host.status().edgeNodes).toEqual([
      {
        group: 'G',
        edgeNode: 'E7',
        online: false,
        bdSeq: 7,
        lastSeq: 2,
        seqGaps: 0,
        rebirthsRequested: 0,
        rebirthPending: false,
        devices: [{ device: 'press', online: false }],
      },
    ]);
  });

  it('ignores an NDEATH of an older session', async () => {
    const { results, settle, host } = await start();
    const node = await edge('G', 'E8', 8);
    await node.publish('NBIRTH', nbirth(8));
    await node.publish('NDEATH', encodePayload({ timestamp: t0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 7 }] }));
    await settle(2);
    expect(results[1]).toEqual({
      topic: 'spBv1.0/G/NDEATH/E8',
      decoded: {
        accepted: [],
        rejected: [
          {
            reason: 'stale-session',
            input: 'spBv1.0/G/NDEATH/E8',
            detail: 'NDEATH with bdSeq 7 does not end the current session (bdSeq 8); ignored',
            count: 1,
          },
        ],
      },
    });
    expect(host.status().edgeNodes.map((status) => status.online)).toEqual([true]);
  });

  it('publishes STATE online retained, the Will turns it offline when the host connection dies, and a new connection is a new session', async () => {
    const current = await start();
    const { client } = current;
    const stateTopic = `spBv1.0/STATE/host-${hosts}`;
    const subscribe = async (states: unknown[]) => {
      const subscriber = await mqtt.connectAsync(broker.url, { clean: true, reconnectPeriod: 0 });
      clients.push(subscriber);
      subscriber.on('message', (_topic, payload) => states.push(JSON.parse(payload.toString())));
      await subscriber.subscribeAsync(stateTopic);
    };
    const watched: unknown[] = [];
    await subscribe(watched); // subscribes after the host went online: gets the retained STATE
    await eventually(() => watched.length === 1, 'the retained STATE');
    client.stream.destroy(); // no DISCONNECT: Mosquitto publishes the Will
    await eventually(() => watched.length === 2, 'the STATE Will');
    const late: unknown[] = [];
    await subscribe(late);
    await eventually(() => late.length === 1, 'the retained STATE after the Will');
    expect({ watched, late }).toEqual({
      watched: [
        { online: true, timestamp: receivedAt },
        { online: false, timestamp: receivedAt },
      ],
      late: [{ online: false, timestamp: receivedAt }],
    });
    // Reconnecting begins a new session: its Will and online STATE share a newer timestamp (the test
    // clock stands still, so it is the previous one + 1), which edge nodes do not ignore.
    const next = { online: true, timestamp: receivedAt + 1 };
    await current.reconnect();
    await eventually(() => watched.length >= 3, 'the online STATE of the new session');
    current.client.stream.destroy();
    await eventually(() => (watched.at(-1) as { online?: boolean }).online === false, 'the Will of the new session');
    expect({ online: watched.slice(2, -1), will: watched.at(-1) }).toEqual({
      // The host also hears its previous Will (retained) and answers with online again: once or twice.
      online: watched.length === 4 ? [next] : [next, next],
      will: { online: false, timestamp: receivedAt + 1 },
    });
  });

  it('settles only once commands the host published after the last handled message have arrived', async () => {
    // What makes the "exactly one rebirth" assertions able to fail on a late second command.
    const { results, commands, settle, publishAsHost } = await start();
    const node = await edge('G', 'E9', 0);
    await node.publish('NBIRTH', nbirth(0));
    await eventually(() => results.length === 1, 'the NBIRTH');
    publishAsHost('spBv1.0/G/NCMD/E9', encodePayload({ timestamp: receivedAt, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }));
    await settle(1);
    expect(commands).toEqual([rebirth('G', 'E9')]);
  });
});
