import { Type, type Static } from 'typebox';
import { apiConfigSchema, apiDefaults } from '@shopfloor/api';
import { pipelineConfigSchema, pipelineDefaults } from '@shopfloor/engine';
import { embeddedBrokerConfigSchema, embeddedBrokerDefaults } from '@shopfloor/mqtt-broker';
import { mqttIngestConfigSchema, mqttIngestDefaults } from '@shopfloor/collector-mqtt';
import { sqlitePointStoreConfigSchema, sqlitePointStoreDefaults } from '@shopfloor/store-sqlite';
import { simulatorConfigSchema, simulatorDefaults } from '@shopfloor/simulator';
import { uplinkConfigSchema, uplinkDefaults, uplinkReceiverConfigSchema, uplinkReceiverDefaults } from '@shopfloor/uplink';
import { workloadDefaults, workloadSchema } from '../edge/workload-config.ts';

/** The store's file lives in node.dataDir; the rest of its settings are configurable. */
const storeConfigSchema = Type.Omit(sqlitePointStoreConfigSchema, ['file'], { additionalProperties: false });
const storeDefaults = {
  chunkSeconds: sqlitePointStoreDefaults.chunkSeconds,
  checkpointSeconds: sqlitePointStoreDefaults.checkpointSeconds,
  maxBatchPoints: sqlitePointStoreDefaults.maxBatchPoints,
};

const externalBrokerSchema = Type.Object(
  {
    url: Type.String({ pattern: '^mqtt://', description: 'External broker, e.g. mqtt://127.0.0.1:1883 (TLS is not supported yet).' }),
    clientId: Type.String({ minLength: 1, maxLength: 64, description: 'Client id of the ingest session (a persistent session: keep it stable).' }),
    username: Type.Optional(Type.String({ description: 'User name of the ingest sessions.' })),
    password: Type.Optional(Type.String({ description: 'Password of the ingest sessions; redacted in logs and in config check --print.' })),
  },
  { additionalProperties: false },
);

const edgeSchema = Type.Object(
  {
    retention: Type.Object(
      {
        maxAgeHours: Type.Number({ minimum: 0, description: 'Raw data older than this is removed from the local store (whole chunks); 0 keeps it forever.' }),
        maxBytes: Type.Integer({ minimum: 0, description: 'The local store is kept under this size by removing its oldest chunks; 0 for no limit.' }),
        intervalSeconds: Type.Integer({ minimum: 1, maximum: 86_400, description: 'How often retention runs.' }),
      },
      {
        additionalProperties: false,
        description: 'Retention of the local point store of an edge (a node with edge.uplink.enabled); a node that keeps the history itself never trims it.',
      },
    ),
    uplink: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Forward everything stored here to a parent hub through the durable outbox.' }),
        ...uplinkConfigSchema.properties,
      },
      { additionalProperties: false, description: 'Store-and-forward to the parent hub (see packages/uplink/README.md).' },
    ),
    acceptConfigFromHub: Type.Boolean({
      description: 'Take collectors, processors and rules pushed by the hub (versioned, kept in <dataDir>/hub-config.json). Never in uplink.oneWay mode.',
    }),
    statusSeconds: Type.Integer({ minimum: 1, maximum: 3_600, description: 'How often the edge reports its health and configuration version to the hub.' }),
    tickMs: Type.Integer({
      minimum: 10,
      maximum: 60_000,
      description: 'Timer of time-driven work: closing aggregate windows, stale-data rules, shelving expiry.',
    }),
  },
  { additionalProperties: false },
);

export const nodeConfigSchema = Type.Object(
  {
    node: Type.Object(
      {
        id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Name of this node, in logs and metrics.' }),
        dataDir: Type.String({ minLength: 1, description: 'Directory for the store, the model database and the API tokens.' }),
      },
      { additionalProperties: false },
    ),
    log: Type.Object(
      {
        level: Type.Union([Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug')], {
          description: 'Least severe log level written (JSON lines on stderr).',
        }),
      },
      { additionalProperties: false },
    ),
    mqtt: Type.Object(
      {
        /** Either the embedded broker or an external one. */
        broker: Type.Union([
          Type.Object({ embedded: embeddedBrokerConfigSchema }, { additionalProperties: false }),
          Type.Object({ external: externalBrokerSchema }, { additionalProperties: false }),
        ]),
        ingest: mqttIngestConfigSchema,
      },
      { additionalProperties: false },
    ),
    pipeline: pipelineConfigSchema,
    ...workloadSchema.properties,
    edge: edgeSchema,
    hub: Type.Object(
      {
        receiver: Type.Object(
          {
            enabled: Type.Boolean({ description: "Receive edges' uplinks (exactly-once into this node's store)." }),
            ...uplinkReceiverConfigSchema.properties,
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    store: storeConfigSchema,
    api: apiConfigSchema,
    demo: Type.Object(
      {
        simulator: simulatorConfigSchema,
        modbus: Type.Boolean({ description: 'Also serve the demo plant over Modbus TCP (free ports, printed at start).' }),
        opcua: Type.Boolean({ description: 'Also serve the demo plant over OPC UA (a free port, printed at start).' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type NodeConfig = Static<typeof nodeConfigSchema>;
export type ExternalBrokerConfig = Static<typeof externalBrokerSchema>;

export const nodeDefaults: NodeConfig = {
  node: { id: 'shopfloor', dataDir: './data' },
  log: { level: 'info' },
  mqtt: { broker: { embedded: embeddedBrokerDefaults }, ingest: mqttIngestDefaults },
  pipeline: pipelineDefaults,
  ...workloadDefaults,
  edge: {
    retention: { maxAgeHours: 168, maxBytes: 0, intervalSeconds: 60 },
    uplink: { enabled: false, ...uplinkDefaults },
    acceptConfigFromHub: true,
    statusSeconds: 10,
    tickMs: 250,
  },
  hub: { receiver: { enabled: false, ...uplinkReceiverDefaults } },
  store: storeDefaults,
  api: apiDefaults,
  demo: { simulator: simulatorDefaults, modbus: true, opcua: false },
};
