import { Type, type Static } from 'typebox';

export const embeddedBrokerConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Address the embedded MQTT broker listens on (127.0.0.1 keeps it to this machine).' }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, description: 'TCP port; if taken, a free port is used and printed.' }),
  },
  { additionalProperties: false },
);
export type EmbeddedBrokerConfig = Static<typeof embeddedBrokerConfigSchema>;

export const embeddedBrokerDefaults: EmbeddedBrokerConfig = { host: '127.0.0.1', port: 1883 };
