import { Type, type Static } from 'typebox';

export const mqttIngestConfigSchema = Type.Object(
  {
    json: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Ingest plain JSON on the unified namespace (topic = tag path).' }),
        topics: Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Topic filters ingested as JSON (Sparkplug and $-topics are never JSON).',
        }),
        exclude: Type.Array(Type.String({ minLength: 1 }), {
          description: 'Topic filters never ingested as JSON even when `topics` match them (the edge uplink, other binary traffic).',
        }),
      },
      { additionalProperties: false },
    ),
    sparkplug: Type.Object(
      {
        enabled: Type.Boolean({ description: 'Act as a Sparkplug B 3.0 primary host application.' }),
        hostId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Sparkplug host id: STATE is published on spBv1.0/STATE/<hostId>.' }),
        groups: Type.Array(Type.String({ minLength: 1 }), { description: 'Sparkplug groups to ingest; empty means all.' }),
        rebirthDebounceMs: Type.Integer({ minimum: 0, maximum: 600_000, description: 'At most one Rebirth request per edge node in this time.' }),
        tagPrefix: Type.String({
          pattern: '^([A-Za-z0-9_.:-]{1,64}(/[A-Za-z0-9_.:-]{1,64})*)?$',
          description:
            'Path put in front of Sparkplug tags (<prefix>/<group>/<edge node>/…), e.g. acme/plant1 to place them in the ISA-95 namespace; empty for none.',
        }),
      },
      { additionalProperties: false },
    ),
    maxPayloadBytes: Type.Integer({
      minimum: 64,
      maximum: 16_777_216,
      description: 'Larger payloads (JSON or Sparkplug) are refused whole (oversize-payload).',
    }),
    receiveMaximum: Type.Integer({
      minimum: 1,
      maximum: 65_535,
      description: 'External broker: QoS 1 messages in flight to the ingest session, waiting for their durable ack.',
    }),
  },
  { additionalProperties: false },
);
export type MqttIngestConfig = Static<typeof mqttIngestConfigSchema>;

export const mqttIngestDefaults: MqttIngestConfig = {
  json: { enabled: true, topics: ['#'], exclude: ['shopfloor/uplink/#'] },
  sparkplug: { enabled: true, hostId: 'shopfloor', groups: [], rebirthDebounceMs: 5_000, tagPrefix: '' },
  maxPayloadBytes: 262_144,
  receiveMaximum: 1_000,
};
