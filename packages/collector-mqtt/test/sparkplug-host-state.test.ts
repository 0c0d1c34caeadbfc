import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '@shopfloor/testkit';
import { createSparkplugHost, type SparkplugHostConfig } from '../src/sparkplug/index.ts';
import { decodeCommand, encodePayload, encodeRawPayload } from './sparkplug-harness.ts';

// The host as a state machine, without a broker: handle() in, Decoded and publishes out.
const t0 = 1_700_000_000_000;

function setup(config: Partial<SparkplugHostConfig> = {}) {
  const clock = { now: t0 + 60_000 };
  const published: { topic: string; payload: Buffer | string; options: { qos: 0 | 1; retain: boolean } }[] = [];
  const host = createSparkplugHost(
    { hostId: 'scada', ...config },
    { publish: (topic, payload, options) => published.push({ topic, payload, options }), logger: createCapturingLogger(), now: () => clock.now },
  );
  const handle = (topic: string, payload: Buffer) => host.handle(topic, payload, clock.now);
  const rebirths = () => published.filter((entry) => entry.topic.includes('/NCMD/')).map((entry) => decodeCommand(entry.topic, entry.payload as Buffer));
  return { host, clock, published, handle, rebirths };
}

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

  it('turns a null metric into its last value with quality bad, and skips a null without one', () => {
    const { handle } = setup();
    expect(handle('spBv1.0/G/NBIRTH/E', nbirth(1, [{ name: 'Pressure', type: 'Double', value: null, alias: 3 }]))).toEqual({
      accepted: [{ tag: 'G/E/Temperature', ts: t0, value: 20, quality: 'good' }],
      rejected: [],
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
      rejected: [],
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

  it('refuses a configuration it cannot work with', () => {
    expect(() => setup({ hostId: 'scada/1' })).toThrow(expect.objectContaining({ name: 'InputError', code: 'SF_CONFIG_INVALID' }));
    expect(() => setup({ tagPrefix: 'acme/' })).toThrow(expect.objectContaining({ name: 'InputError', code: 'SF_CONFIG_INVALID' }));
  });
});
