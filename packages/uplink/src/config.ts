import { Type, type Static } from 'typebox';

/** Edge ids are one MQTT topic level and one NATS subject token. */
export const edgeIdPattern = '^[A-Za-z0-9_-]{1,64}$';

const mqttPrefix = Type.String({
  pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$',
  description: 'Topic prefix: the edge publishes on <prefix>/<edgeId>/data and the hub answers on <prefix>/<edgeId>/ack.',
});
const subjectPrefix = Type.String({
  pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$',
  description: 'Subject prefix: the edge publishes to <prefix>.<edgeId>; configuration goes over <prefix>.control.<edgeId>.',
});
const streamName = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'JetStream stream that holds the uplink messages (created or updated by the hub).',
});

export const uplinkConfigSchema = Type.Object(
  {
    transport: Type.Union(
      [
        Type.Object(
          {
            mqtt: Type.Object(
              {
                url: Type.String({ minLength: 1, description: "The hub's MQTT broker, e.g. mqtt://hub.example:1883." }),
                topicPrefix: mqttPrefix,
                clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'MQTT client id; uplink-<edgeId> when absent.' })),
                qos: Type.Literal(1, { description: 'Data is published at QoS 1 (the only level supported).' }),
                username: Type.Optional(Type.String({ description: 'Broker user name.' })),
                password: Type.Optional(Type.String({ description: 'Broker password (secret).' })),
              },
              {
                additionalProperties: false,
                description: 'MQTT to the hub broker: acknowledgements are application-level, sent by the hub after it committed.',
              },
            ),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            jetstream: Type.Object(
              {
                servers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'NATS servers, e.g. nats://hub.example:4222.' }),
                stream: streamName,
                subjectPrefix,
              },
              { additionalProperties: false, description: 'NATS JetStream: an entry leaves the outbox when the stream has stored it (PubAck).' },
            ),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'How messages reach the hub: one of mqtt or jetstream.' },
    ),
    oneWay: Type.Boolean({
      description:
        'Air-gapped sites: the edge only sends. It subscribes to nothing and takes no configuration from the hub; over MQTT an entry leaves the outbox on the broker PUBACK.',
    }),
    maxBytes: Type.Integer({
      minimum: 65_536,
      description: 'Disk budget of the outbox (payload bytes). When full, oldest raw entries go first, then aggregates; alarms and status are kept.',
    }),
    maxPointsPerMessage: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Points (or records) per message at most.' }),
    maxBytesPerMessage: Type.Integer({
      minimum: 4_096,
      maximum: 8_388_608,
      description: 'Encoded size of a message before compression at most (stay under the broker or NATS max payload).',
    }),
    compressionLevel: Type.Integer({ minimum: 0, maximum: 9, description: 'Deflate level of message bodies (0 stores them uncompressed).' }),
    windowMessages: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Messages sent and not yet acknowledged at most.' }),
    backlogShare: Type.Number({
      minimum: 0.05,
      maximum: 0.95,
      description: 'Share of the window kept for the backlog while live data is waiting (the backlog uses the whole window when there is no live data).',
    }),
    ackTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, description: 'A message not acknowledged within this time is sent again.' }),
    keepaliveSeconds: Type.Integer({
      minimum: 1,
      maximum: 600,
      description: 'MQTT keep-alive / NATS ping interval: a dead link is noticed within about twice this.',
    }),
    connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, description: 'A connection attempt that takes longer fails.' }),
    reconnect: Type.Object(
      {
        initialDelayMs: Type.Integer({ minimum: 1, maximum: 60_000, description: 'Delay before the first reconnection attempt.' }),
        maxDelayMs: Type.Integer({ minimum: 1, maximum: 3_600_000, description: 'The delay doubles per failed attempt up to this.' }),
        jitter: Type.Number({ minimum: 0, maximum: 1, description: 'Share of each delay that is random (0.5: between half and the full delay).' }),
        stableAfterMs: Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'A connection that lasts this long resets the delay to the initial one.' }),
      },
      { additionalProperties: false, description: 'Back-off between connection attempts.' },
    ),
  },
  { additionalProperties: false },
);
export type UplinkConfig = Static<typeof uplinkConfigSchema>;
export type UplinkTransportConfig = UplinkConfig['transport'];

export const uplinkDefaults: UplinkConfig = {
  transport: { mqtt: { url: 'mqtt://127.0.0.1:1883', topicPrefix: 'shopfloor/uplink', qos: 1 } },
  oneWay: false,
  maxBytes: 1_073_741_824,
  maxPointsPerMessage: 2_000,
  maxBytesPerMessage: 524_288,
  compressionLevel: 1,
  windowMessages: 32,
  backlogShare: 0.5,
  ackTimeoutMs: 10_000,
  keepaliveSeconds: 10,
  connectTimeoutMs: 5_000,
  reconnect: { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.5, stableAfterMs: 10_000 },
};

/** Edge JetStream settings to start from (the defaults use MQTT). */
export const uplinkJetStreamDefaults: Extract<UplinkTransportConfig, { jetstream: unknown }>['jetstream'] = {
  servers: ['nats://127.0.0.1:4222'],
  stream: 'SHOPFLOOR_UPLINK',
  subjectPrefix: 'shopfloor.uplink',
};

export const uplinkReceiverConfigSchema = Type.Object(
  {
    transport: Type.Union(
      [
        Type.Object(
          {
            mqtt: Type.Object(
              {
                url: Type.String({ minLength: 1, description: 'The MQTT broker the edges publish to.' }),
                topicPrefix: mqttPrefix,
                clientId: Type.String({
                  minLength: 1,
                  maxLength: 128,
                  description: 'Client id of the hub: its persistent session keeps messages while the hub restarts.',
                }),
                sessionExpirySeconds: Type.Integer({
                  minimum: 0,
                  maximum: 4_294_967_295,
                  description: 'How long the broker keeps the session of a disconnected hub.',
                }),
                username: Type.Optional(Type.String({ description: 'Broker user name.' })),
                password: Type.Optional(Type.String({ description: 'Broker password (secret).' })),
              },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            jetstream: Type.Object(
              {
                servers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'NATS servers.' }),
                stream: streamName,
                subjectPrefix,
                durable: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Durable pull consumer shared by every hub worker.' }),
                maxAckPending: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Messages delivered to the hub and not yet acknowledged at most.' }),
                ackWaitMs: Type.Integer({ minimum: 1_000, maximum: 3_600_000, description: 'A message not acknowledged within this time is delivered again.' }),
                duplicateWindowMs: Type.Integer({ minimum: 1_000, maximum: 86_400_000, description: "The stream's duplicate window for message ids." }),
                maxStreamBytes: Type.Integer({
                  minimum: -1,
                  description: 'Stream size limit (-1: none); when full, publishes are refused and edges keep their data.',
                }),
              },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'Where edges deliver: one of mqtt or jetstream.' },
    ),
    controlTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, description: 'How long pushConfig waits for the edge to answer.' }),
    maxMessageBytes: Type.Integer({ minimum: 4_096, maximum: 67_108_864, description: 'A message that decodes to more than this is refused.' }),
  },
  { additionalProperties: false },
);
export type UplinkReceiverConfig = Static<typeof uplinkReceiverConfigSchema>;

export const uplinkReceiverDefaults: UplinkReceiverConfig = {
  transport: { mqtt: { url: 'mqtt://127.0.0.1:1883', topicPrefix: 'shopfloor/uplink', clientId: 'shopfloor-hub-uplink', sessionExpirySeconds: 86_400 } },
  controlTimeoutMs: 10_000,
  maxMessageBytes: 16_777_216,
};

/** Hub JetStream settings to start from (the defaults use MQTT). */
export const uplinkReceiverJetStreamDefaults: Extract<UplinkReceiverConfig['transport'], { jetstream: unknown }>['jetstream'] = {
  ...uplinkJetStreamDefaults,
  durable: 'shopfloor-hub',
  maxAckPending: 1_000,
  ackWaitMs: 30_000,
  duplicateWindowMs: 120_000,
  maxStreamBytes: -1,
};
