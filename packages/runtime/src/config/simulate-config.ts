import { Type, type Static } from 'typebox';
import { simulatorConfigSchema, simulatorDefaults } from '@shopfloor/simulator';

const hostSchema = Type.String({ minLength: 1, description: 'Interface to listen on.' });

export const simulateConfigSchema = Type.Object(
  {
    log: Type.Object(
      {
        level: Type.Union([Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug')], {
          description: 'Least severe log level written.',
        }),
      },
      { additionalProperties: false },
    ),
    dataDir: Type.String({ minLength: 1, description: 'Where the control API keeps its token.' }),
    simulator: simulatorConfigSchema,
    replay: Type.Object(
      {
        file: Type.String({
          description: 'A recording (CSV: tag,timestamp,value) served instead of the simulated plant, over the same protocols; empty for none.',
        }),
      },
      { additionalProperties: false },
    ),
    mqtt: Type.Object(
      {
        url: Type.String({ pattern: '^mqtt://', description: 'Broker the simulated plant publishes to.' }),
        json: Type.Object(
          {
            enabled: Type.Boolean({ description: 'Publish unified-namespace JSON batches (topic = machine or line path).' }),
            qos: Type.Union([Type.Literal(0), Type.Literal(1)], { description: 'QoS of the JSON messages.' }),
            batching: Type.Union([Type.Literal('per-machine'), Type.Literal('per-line')], { description: 'One message per machine or per line per tick.' }),
            topicPrefix: Type.String({
              pattern: '^([A-Za-z0-9_.:-]{1,64}(/[A-Za-z0-9_.:-]{1,64})*)?$',
              description: 'Path put before every topic; empty for none.',
            }),
            maxInFlight: Type.Integer({
              minimum: 1,
              maximum: 65_535,
              description: 'QoS 1 messages unacknowledged at once; a tick sends at most this many (the rest are coalesced into a later tick).',
            }),
          },
          { additionalProperties: false },
        ),
        sparkplug: Type.Object(
          {
            enabled: Type.Boolean({ description: 'Act as a Sparkplug B 3.0 edge node with one device per machine.' }),
            groupId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Sparkplug group id.' }),
            edgeNodeId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'Sparkplug edge node id.' }),
            primaryHostId: Type.String({
              pattern: '^([A-Za-z0-9_.:-]{1,64})?$',
              description: 'Primary host whose STATE gates births and holds data while it is offline; empty for none.',
            }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    modbus: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Serve the plant over Modbus TCP, one server per line (docs/modbus-register-map.md).' }),
        host: hostSchema,
        basePort: Type.Integer({ minimum: 0, maximum: 65_535, description: 'Line i listens on basePort + i; 0 picks free ports.' }),
        unitId: Type.Integer({ minimum: 1, maximum: 255, description: 'Unit id the PLCs answer to (255 is always answered too).' }),
      },
      { additionalProperties: false },
    ),
    opcua: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Serve the plant over OPC UA (docs/opcua.md).' }),
        host: hostSchema,
        port: Type.Integer({ minimum: 0, maximum: 65_535, description: 'OPC UA port; 0 picks a free one.' }),
      },
      { additionalProperties: false },
    ),
    control: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Serve the control API (inject faults, set states and setpoints, read labels).' }),
        host: hostSchema,
        port: Type.Integer({ minimum: 0, maximum: 65_535, description: 'Control API port; 0 picks a free one.' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type SimulateConfig = Static<typeof simulateConfigSchema>;

export const simulateDefaults: SimulateConfig = {
  log: { level: 'info' },
  dataDir: './data/simulator',
  simulator: simulatorDefaults,
  replay: { file: '' },
  mqtt: {
    url: 'mqtt://127.0.0.1:1883',
    json: { enabled: true, qos: 1, batching: 'per-machine', topicPrefix: '', maxInFlight: 20_000 },
    sparkplug: { enabled: false, groupId: 'sim', edgeNodeId: 'plant', primaryHostId: 'shopfloor' },
  },
  modbus: { enabled: true, host: '127.0.0.1', basePort: 5020, unitId: 1 },
  opcua: { enabled: true, host: '127.0.0.1', port: 4840 },
  control: { enabled: true, host: '127.0.0.1', port: 8090 },
};
