import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '@shopfloor/testkit';
import type { Decoded } from '@shopfloor/model';
import { createSparkplugHost, type SparkplugHostConfig } from '../src/sparkplug/index.ts';
import { decodeCommand, encodePayload, encodeRawPayload } from './sparkplug-harness.ts';

// The host as a state machine, without a broker: handle() in, Decoded and publishes out.
const t0 = 1_700_000_000_000;

function setup(config: Partial<SparkplugHostConfig> = {}) {
  const clock = { now: t0 + 60_000 };
  const published: { topic: string; payload: Buffer | string; options: { qos: 0 | 1; retain: boolean } }[] = [];
  const logger = createCapturingLogger();
  const host = createSparkplugHost(
    { hostId: 'scada', ...config },
    { publish: (topic, payload, options) => published.push({ topic, payload, options }), logger, now: () => clock.now },
  );
  const handle = (topic: string, payload: Buffer) => host.handle(topic, payload, clock.now);
  const rebirths = () => published.filter((entry) => entry.topic.includes('/NCMD/')).map((entry) => decodeCommand(entry.topic, entry.payload as Buffer));
  return { host, clock, published, handle, rebirths, logger };
}

/** Points a decoded payload stands for: accepted plus rejected counts. */
const pointsIn = (decoded: Decoded): number => decoded.accepted.length + decoded.rejected.reduce((sum, rejection) => sum + rejection.count, 0);

const nbirth = (bdSeq: number, extra: NonNullable<Parameters<typeof encodePayload>[0]['metrics']> = []) =>
  encodePayload({
    timestamp: t0,
    seq: 0,
    metrics: [
      { name: 'bdSeq', type: 'UInt64', value: bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false, alias: 1 },
      { name: 'Temperature', type: 'Float', value: 20, alias: 2 },
      ...extra,
    ],
  });

describe('Sparkplug host state machine', () => {
  it('emits historical values but keeps the newer value as the last one', () => {
    const { handle } = setup();
    handle('spBv1.0/G/NBIRTH/E', nbirth(1));
    expect(handle('spBv1.0/G/NDATA/E', encodeRawPayload({ timestamp: t0 + 2_000, seq: 1, metrics: [{ alias: 2, floatValue: 21 }] }))).toEqual({
      accepted: [{ tag: 'G/E/Temperature', ts: t0 + 2_000, value: 21, quality: 'good' }],
      rejected: [],
    });
    expect(
      handle(
        'spBv1.0/G/NDATA/E',
        encodeRawPayload({ timestamp: t0 + 3_000, seq: 2, metrics: [{ alias: 2, floatValue: 19, isHistorical: true, timestamp: t0 + 1_000 }] }),
      ),
    ).toEqual({
      accepted: [{ tag: 'G/E/Temperature', ts: t0 + 1_000, value: 19, quality: 'good' }],
      rejected: [],
    });
    // The stale marking at NDEATH shows the host's last value: 21, not the historical 19.
    expect(handle('spBv1.0/G/NDEATH/E', encodePayload({ metrics: [{ name: 'bdSeq', type: 'UInt64', value: 1 }] }))).toEqual({
      accepted: [{ tag: 'G/E/Temperature', ts: t0 + 60_000, value: 21, quality: 'bad' }],
      rejected: [],
    });
  });

  it('turns a null metric into its last value with quality bad, and counts a null without one as a rejection', () => {
    const { handle } = setup();
    const nullPressure = (input: string) => ({
      reason: 'wrong-type',
      input,
      detail: 'metric "Pressure" is null and has no earlier value to repeat with quality bad',
      count: 1,
    });
    expect(handle('spBv1.0/G/NBIRTH/E', nbirth(1, [{ name: 'Pressure', type: 'Double', value: null, alias: 3 }]))).toEqual({
      accepted: [{ tag: 'G/E/Temperature', ts: t0, value: 20, quality: 'good' }],
      rejected: [nullPressure('spBv1.0/G/NBIRTH/E[3]')],
    });
    expect(
      handle(
        'spBv1.0/G/NDATA/E',
        encodeRawPayload({
          timestamp: t0 + 1_000,
          seq: 1,
          metrics: [
            { alias: 2, isNull: true },
            { alias: 3, isNull: true },
          ],
        }),
      ),
    ).toEqual({
      accepted: [{ tag: 'G/E/Temperature', ts: t0 + 1_000, value: 20, quality: 'bad' }],
      rejected: [nullPressure('spBv1.0/G/NDATA/E[1]')],
    });
  });

  it('stamps death-stale points after the last value when the edge clock runs ahead of the host', () => {
    const { handle } = setup(); // host clock: t0 + 60 s
    const ahead = t0 + 120_000;
    handle(
      'spBv1.0/G/NBIRTH/E',
      encodePayload({
        timestamp: ahead,
        seq: 0,
        metrics: [
          { name: 'bdSeq', type: 'UInt64', value: 1 },
          { name: 'Temperature', type: 'Float', value: 20, alias: 2 },
          { name: 'Setpoint', type: 'Float', value: 5, alias: 3, timestamp: t0 },
        ],
      }),
    );
    handle('spBv1.0/G/DBIRTH/E/press', encodePayload({ timestamp: ahead + 5, seq: 1, metrics: [{ name: 'Speed', type: 'Int32', value: 3, alias: 10 }] }));
    handle('spBv1.0/G/DBIRTH/E/oven', encodePayload({ timestamp: ahead + 7, seq: 2, metrics: [{ name: 'Heat', type: 'Int32', value: 9, alias: 11 }] }));
    expect(handle('spBv1.0/G/DDEATH/E/press', encodePayload({ timestamp: ahead + 10, seq: 3 })).accepted).toEqual([
      { tag: 'G/E/press/Speed', ts: ahead + 6, value: 3, quality: 'bad' },
    ]);
    expect(handle('spBv1.0/G/NDEATH/E', encodePayload({ metrics: [{ name: 'bdSeq', type: 'UInt64', value: 1 }] })).accepted).toEqual([
      { tag: 'G/E/Temperature', ts: ahead + 1, value: 20, quality: 'bad' },
      { tag: 'G/E/Setpoint', ts: t0 + 60_000, value: 5, quality: 'bad' }, // its last value is older than the receipt: host time
      { tag: 'G/E/oven/Heat', ts: ahead + 8, value: 9, quality: 'bad' },
    ]);
  });

  it('counts every payload whole: an empty one refused before its birth counts once', () => {
    const { handle } = setup();
    const empty = encodeRawPayload({ timestamp: t0, seq: 1 });
    const refusedEmpty = handle('spBv1.0/G/NDATA/E', empty);
    handle('spBv1.0/G/NBIRTH/E', nbirth(1));
    const refusedEmptyDevice = handle('spBv1.0/G/DDATA/E/press', empty);
    expect({ refusedEmpty, refusedEmptyDevice }).toEqual({
      refusedEmpty: {
        accepted: [],
        rejected: [
          {
            reason: 'data-before-birth',
            input: 'spBv1.0/G/NDATA/E',
            detail: 'NDATA arrived before the NBIRTH of G/E; its metrics cannot be resolved',
            count: 1,
          },
        ],
      },
      refusedEmptyDevice: {
        accepted: [],
        rejected: [
          {
            reason: 'data-before-birth',
            input: 'spBv1.0/G/DDATA/E/press',
            detail: 'DDATA arrived before the DBIRTH of G/E/press; its metrics cannot be resolved',
            count: 1,
          },
        ],
      },
    });
    // Point metrics in = accepted + rejected, whatever happens to them (session metrics are not points).
    const mixed = encodeRawPayload({
      timestamp: t0 + 1,
      seq: 2,
      metrics: [
        { alias: 2, isNull: true },
        { alias: 2, stringValue: 'hot' },
        { alias: 42, intValue: 1 },
        { alias: 2, floatValue: 21 },
      ],
    });
    expect(pointsIn(handle('spBv1.0/G/NDATA/E', mixed))).toBe(4);
  });

  it('allocates no state for messages of edge nodes it has no NBIRTH of, and still asks them for one', () => {
    const { handle, host, rebirths, clock } = setup({ rebirthDebounceMs: 5_000, rebirthTimeoutMs: 30_000 });
    const data = encodeRawPayload({ timestamp: t0, seq: 4, metrics: [{ alias: 2, floatValue: 1 }] });
    for (let node = 0; node < 50; node++) {
      handle(`spBv1.0/G/NDATA/N${node}`, data);
      handle(`spBv1.0/G/DDATA/N${node}/dev`, data);
      handle(`spBv1.0/G/DBIRTH/N${node}/dev`, data);
      handle(`spBv1.0/G/DDEATH/N${node}/dev`, data);
      handle(`spBv1.0/G/NDEATH/N${node}`, encodePayload({ metrics: [{ name: 'bdSeq', type: 'UInt64', value: 1 }] }));
    }
    expect({ nodes: host.status().edgeNodes, rebirths: rebirths().length, requested: host.status().rebirthsRequested }).toEqual({
      nodes: [],
      rebirths: 50, // one per edge node: the others fall in its debounce window
      requested: 50,
    });
    // The NBIRTH that answers creates the session, which remembers the request for its debounce.
    clock.now += 1_000;
    handle('spBv1.0/G/NBIRTH/N0', nbirth(1));
    handle('spBv1.0/G/NDATA/N0', encodeRawPayload({ timestamp: t0, seq: 9, metrics: [{ alias: 2, floatValue: 1 }] })); // gap, within the window
    expect({ nodes: host.status().edgeNodes, rebirths: rebirths().length }).toEqual({
      nodes: [{ group: 'G', edgeNode: 'N0', online: true, bdSeq: 1, lastSeq: 9, seqGaps: 1, rebirthsRequested: 1, rebirthPending: false, devices: [] }],
      rebirths: 50,
    });
    // Still silent past the rebirth timeout: ask again.
    clock.now += 30_000;
    handle('spBv1.0/G/NDATA/N1', data);
    expect(rebirths().length).toBe(51);
  });

  it('tracks at most maxEdgeNodes edge nodes and refuses the NBIRTH of one more, with a warning', () => {
    const { handle, host, rebirths, logger } = setup({ maxEdgeNodes: 2 });
    const births = ['A', 'B', 'C', 'D'].map((node) =>
      handle(`spBv1.0/G/NBIRTH/${node}`, nbirth(1, [{ name: 'Pressure', type: 'Double', value: 2, alias: 3 }])),
    );
    expect(births.map(pointsIn)).toEqual([2, 2, 2, 2]);
    expect(births[2]).toEqual({
      accepted: [],
      rejected: [
        {
          reason: 'data-before-birth',
          input: 'spBv1.0/G/NBIRTH/C',
          detail: 'NBIRTH of G/C not learnt: the host already tracks 2 edge nodes, its limit; its metrics and later messages cannot be resolved',
          count: 2,
        },
      ],
    });
    // Data of a refused edge node: refused, and no Rebirth asked (its NBIRTH would be refused again).
    expect(handle('spBv1.0/G/NDATA/C', encodeRawPayload({ timestamp: t0, seq: 1, metrics: [{ alias: 2, floatValue: 1 }] }))).toEqual({
      accepted: [],
      rejected: [
        {
          reason: 'data-before-birth',
          input: 'spBv1.0/G/NDATA/C',
          detail: 'NDATA of G/C, an edge node the host does not track (the host already tracks 2 edge nodes, its limit); its metrics cannot be resolved',
          count: 1,
        },
      ],
    });
    // The tracked ones carry on, a rebirth of theirs included.
    expect(pointsIn(handle('spBv1.0/G/NBIRTH/A', nbirth(2)))).toBe(1);
    expect({
      nodes: host.status().edgeNodes.map((node) => `${node.edgeNode}:${node.bdSeq}`),
      rebirths: rebirths(),
      warnings: logger.entries.filter((entry) => entry.level === 'warn').map((entry) => ({ message: entry.message, meta: entry.meta })),
    }).toEqual({
      nodes: ['A:2', 'B:1'],
      rebirths: [],
      warnings: [
        {
          message: 'edge node limit reached: the NBIRTH of a new edge node is refused',
          meta: expect.objectContaining({ maxEdgeNodes: 2, group: 'G', edgeNode: 'C', refusedSoFar: 1 }),
        },
      ],
    });
  });

  it('marks a device stale on DDEATH and refuses its data until the next DBIRTH', () => {
    const { handle, rebirths } = setup();
    handle('spBv1.0/G/NBIRTH/E', nbirth(1));
    handle(
      'spBv1.0/G/DBIRTH/E/press',
      encodePayload({
        timestamp: t0,
        seq: 1,
        metrics: [
          { name: 'Speed', type: 'Int32', value: -3, alias: 10 },
          { name: 'Mode', type: 'String', value: 'auto', alias: 11 },
        ],
      }),
    );
    expect(handle('spBv1.0/G/DDEATH/E/press', encodePayload({ timestamp: t0 + 1_000, seq: 2 }))).toEqual({
      accepted: [
        { tag: 'G/E/press/Speed', ts: t0 + 60_000, value: -3, quality: 'bad' },
        { tag: 'G/E/press/Mode', ts: t0 + 60_000, value: 'auto', quality: 'bad' },
      ],
      rejected: [],
    });
    expect(handle('spBv1.0/G/DDATA/E/press', encodeRawPayload({ timestamp: t0 + 2_000, seq: 3, metrics: [{ alias: 10, intValue: 4 }] }))).toEqual({
      accepted: [],
      rejected: [
        {
          reason: 'data-before-birth',
          input: 'spBv1.0/G/DDATA/E/press',
          detail: 'DDATA arrived before the DBIRTH of G/E/press; its metrics cannot be resolved',
          count: 1,
        },
      ],
    });
    expect(rebirths()).toEqual([
      { topic: 'spBv1.0/G/NCMD/E', timestamp: t0 + 60_000, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] },
    ]);
  });

  it('refuses bad topics, malformed payloads and values of the wrong type, and ignores other groups and commands', () => {
    const { handle, host } = setup({ groupFilter: ['G'] });
    handle(
      'spBv1.0/G/NBIRTH/E',
      nbirth(1, [{ name: 'Recipe', type: 'DataSet', value: { numOfColumns: 1, columns: ['a'], types: ['Int32'], rows: [[1]] }, alias: 4 }]),
    );
    expect([
      handle('spBv1.0/G/NDATA', encodeRawPayload({})),
      handle('spBv1.0/G/NDATA/E', Buffer.from('{"temperature": 21}')),
      handle(
        'spBv1.0/G/NDATA/E',
        encodeRawPayload({
          timestamp: t0,
          seq: 1,
          metrics: [
            { alias: 2, stringValue: 'hot' },
            { alias: 4, intValue: 1 },
          ],
        }),
      ),
      handle('spBv1.0/Other/NDATA/E', Buffer.from('not even protobuf')),
      handle('spBv1.0/G/NCMD/E', encodeRawPayload({})),
    ]).toEqual([
      {
        accepted: [],
        rejected: [
          {
            reason: 'bad-topic',
            input: 'spBv1.0/G/NDATA',
            detail: 'topic "spBv1.0/G/NDATA" has 3 levels; expected spBv1.0/<group>/<message type>/<edge node>[/<device>]',
            count: 1,
          },
        ],
      },
      {
        accepted: [],
        rejected: [
          {
            reason: 'malformed-payload',
            input: 'spBv1.0/G/NDATA/E',
            detail: 'NDATA payload is not a Sparkplug B protobuf payload (index out of range: 3 + 116 > 19)',
            count: 1,
          },
        ],
      },
      {
        accepted: [],
        rejected: [
          {
            reason: 'wrong-type',
            input: 'spBv1.0/G/NDATA/E[0]',
            detail: 'metric "Temperature" has datatype Float but carries string_value (expected float_value or double_value)',
            count: 1,
          },
          {
            reason: 'wrong-type',
            input: 'spBv1.0/G/NDATA/E[1]',
            detail: 'metric "Recipe" has DataSet values, which are not supported (only numbers, booleans and strings)',
            count: 1,
          },
        ],
      },
      { accepted: [], rejected: [] },
      { accepted: [], rejected: [] },
    ]);
    expect(host.status().edgeNodes.map((node) => `${node.group}/${node.edgeNode}`)).toEqual(['G/E']);
  });

  it('prefixes tag paths and replaces characters a tag path cannot hold', () => {
    const { handle } = setup({ tagPrefix: 'acme/plant1' });
    expect(
      handle(
        'spBv1.0/Line 1/NBIRTH/gw@1',
        encodePayload({
          timestamp: t0,
          seq: 0,
          metrics: [
            { name: 'bdSeq', type: 'Int64', value: 0 },
            { name: 'Motor 1/Speed (rpm)', type: 'UInt16', value: 1_450 },
            { name: 'Properties/OS', type: 'String', value: 'linux' },
          ],
        }),
      ),
    ).toEqual({ accepted: [{ tag: 'acme/plant1/Line_1/gw_1/Motor_1/Speed__rpm_', ts: t0, value: 1_450, quality: 'good' }], rejected: [] });
  });

  it('debounces rebirths: one per window, none while pending until the NBIRTH or the rebirth timeout', () => {
    const { handle, clock, rebirths, host } = setup({ rebirthDebounceMs: 5_000, rebirthTimeoutMs: 30_000 });
    const ndata = (seq: number) => handle('spBv1.0/G/NDATA/E', encodeRawPayload({ timestamp: t0, seq, metrics: [{ alias: 2, floatValue: seq }] }));
    handle('spBv1.0/G/NBIRTH/E', nbirth(1));
    ndata(5); // gap: rebirth 1
    clock.now += 10_000;
    ndata(9); // gap, past the window but still pending: none
    clock.now += 25_000;
    ndata(11); // gap, pending for 35 s > timeout: rebirth 2
    handle('spBv1.0/G/NBIRTH/E', nbirth(2)); // answers: no longer pending
    clock.now += 1_000;
    ndata(7); // gap within the window: none
    clock.now += 5_000;
    ndata(3); // gap after the window, nothing pending: rebirth 3
    expect(rebirths().map((command) => command.timestamp)).toEqual([t0 + 60_000, t0 + 95_000, t0 + 101_000]);
    expect(host.status()).toEqual({
      hostId: 'scada',
      rebirthsRequested: 3,
      edgeNodes: [{ group: 'G', edgeNode: 'E', online: true, bdSeq: 2, lastSeq: 3, seqGaps: 5, rebirthsRequested: 3, rebirthPending: true, devices: [] }],
    });
  });

  it('publishes STATE online with the Will timestamp, again when it finds itself marked offline', () => {
    const { host, handle, published } = setup();
    host.onConnected();
    handle('spBv1.0/STATE/scada', Buffer.from(JSON.stringify({ online: false, timestamp: t0 })));
    handle('spBv1.0/STATE/other-host', Buffer.from(JSON.stringify({ online: false, timestamp: t0 })));
    const online = { topic: 'spBv1.0/STATE/scada', payload: JSON.stringify({ online: true, timestamp: t0 + 60_000 }), options: { qos: 1, retain: true } };
    expect({ will: host.will, published }).toEqual({
      will: { topic: 'spBv1.0/STATE/scada', payload: JSON.stringify({ online: false, timestamp: t0 + 60_000 }), qos: 1, retain: true },
      published: [online, online],
    });
  });

  it('starts each connection with a new STATE session: the Will and the online message share its timestamp', () => {
    const { host, handle, published } = setup();
    const state = (online: boolean, timestamp: number) => JSON.stringify({ online, timestamp });
    const firstWill = host.beginSession(t0 + 70_000);
    host.onConnected();
    const secondWill = host.beginSession(t0 + 80_000); // reconnecting
    host.onConnected();
    handle('spBv1.0/STATE/scada', Buffer.from(state(false, t0 + 70_000))); // the first connection's Will, heard late
    const steppedBack = host.beginSession(t0 + 75_000); // the clock stepped back: still newer than the last session
    const fresh = setup().host;
    const beforeAnyUse = fresh.beginSession(t0 + 60_000); // the session begun at creation was never used: taken as given
    expect({
      wills: [firstWill, secondWill, steppedBack, beforeAnyUse].map((will) => will.payload),
      current: host.will,
      published: published.map((entry) => entry.payload),
    }).toEqual({
      wills: [state(false, t0 + 70_000), state(false, t0 + 80_000), state(false, t0 + 80_001), state(false, t0 + 60_000)],
      current: { topic: 'spBv1.0/STATE/scada', payload: state(false, t0 + 80_001), qos: 1, retain: true },
      published: [state(true, t0 + 70_000), state(true, t0 + 80_000), state(true, t0 + 80_000)],
    });
  });

  it('refuses a configuration it cannot work with', () => {
    expect(() => setup({ hostId: 'scada/1' })).toThrow(expect.objectContaining({ name: 'InputError', code: 'SF_CONFIG_INVALID' }));
    expect(() => setup({ tagPrefix: 'acme/' })).toThrow(expect.objectContaining({ name: 'InputError', code: 'SF_CONFIG_INVALID' }));
    expect(() => setup({ maxEdgeNodes: 0 })).toThrow(expect.objectContaining({ name: 'InputError', code: 'SF_CONFIG_INVALID' }));
  });
});
