import { Type, type Static } from 'typebox';

const orderSchema = (what: string) =>
  Type.Union([Type.Literal('big'), Type.Literal('little')], {
    description: `${what} (default big).`,
  });

export const modbusTagConfigSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Tag path the values are stored under (unified namespace, e.g. acme/plant1/press/p4/oil-temp).' }),
    table: Type.Union([Type.Literal('coil'), Type.Literal('discrete-input'), Type.Literal('holding-register'), Type.Literal('input-register')], {
      description: 'Where the value lives: coil (FC 1), discrete-input (FC 2), holding-register (FC 3) or input-register (FC 4).',
    }),
    address: Type.Integer({
      minimum: 0,
      maximum: 65_535,
      description: 'Zero-based protocol address of the first register or bit (input register 30001 is 0).',
    }),
    type: Type.Union(
      [
        Type.Literal('bool'),
        Type.Literal('int16'),
        Type.Literal('uint16'),
        Type.Literal('int32'),
        Type.Literal('uint32'),
        Type.Literal('float32'),
        Type.Literal('float64'),
        Type.Literal('int64'),
        Type.Literal('uint64'),
      ],
      { description: 'Data type: bool (coils and discrete inputs only), int16/uint16 (1 register), int32/uint32/float32 (2), int64/uint64/float64 (4).' },
    ),
    wordOrder: Type.Optional(
      orderSchema('Order of the registers of a multi-register value: big = most significant register first (ABCD), little = last (CDAB)'),
    ),
    byteOrder: Type.Optional(orderSchema('Order of the two bytes inside each register: big = high byte first (the Modbus standard), little = swapped (BADC)')),
    scale: Type.Optional(Type.Number({ description: 'Numbers: stored value = raw × scale + offset (default 1).' })),
    offset: Type.Optional(Type.Number({ description: 'Numbers: added after scaling (default 0).' })),
    unit: Type.Optional(Type.String({ minLength: 1, description: 'Engineering unit of the scaled value, e.g. °C; recorded on the tag, not on points.' })),
    pollMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000, description: "Poll period of this tag; the device's pollMs when absent." })),
  },
  { additionalProperties: false },
);

export const modbusDeviceConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.:/-]{1,128}$', description: 'Name of the device (a PLC, a gateway unit) in health, logs and errors.' }),
    host: Type.String({ minLength: 1, description: 'Host name or IP address of the Modbus TCP server.' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'TCP port (default 502).' })),
    unitId: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 255, description: 'Unit identifier sent with every request (default 1; 255 = the server itself).' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 60_000,
        description: 'A connect or a request that takes longer fails (default 1000); two timeouts in a row drop the connection.',
      }),
    ),
    pollMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'Poll period of tags that set none (default 1000).' })),
    maxGapRegisters: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_999,
        description:
          'Tags of one table and poll period whose ranges are at most this many registers (or bits) apart are read in one request, gap included (default 0: only adjacent or overlapping ranges). The device must answer reads of the gap.',
      }),
    ),
    maxRegistersPerRead: Type.Optional(Type.Integer({ minimum: 1, maximum: 125, description: 'Largest register read (FC 3, 4) per request (default 125).' })),
    maxBitsPerRead: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2_000, description: 'Largest coil or discrete-input read (FC 1, 2) per request (default 2000).' }),
    ),
    backoff: Type.Optional(
      Type.Object(
        {
          initialMs: Type.Integer({ minimum: 10, maximum: 600_000, description: 'First reconnect delay; it doubles per failed attempt (with jitter).' }),
          maxMs: Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'Longest reconnect delay.' }),
        },
        { additionalProperties: false, description: 'Reconnect back-off of a device that is down (default 500 ms to 30 s).' },
      ),
    ),
    tags: Type.Array(modbusTagConfigSchema, { minItems: 1, description: 'The values read from this device.' }),
  },
  { additionalProperties: false },
);

export const modbusCollectorConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Name of the collector in health and logs.' }),
    devices: Type.Array(modbusDeviceConfigSchema, { description: 'Modbus TCP servers to poll, each on its own connection.' }),
  },
  { additionalProperties: false },
);

export type ModbusCollectorConfig = Static<typeof modbusCollectorConfigSchema>;
export type ModbusDeviceConfig = Static<typeof modbusDeviceConfigSchema>;
export type ModbusTagConfig = Static<typeof modbusTagConfigSchema>;

export const modbusCollectorDefaults: ModbusCollectorConfig = { id: 'modbus', devices: [] };

/** What a device key that is absent means. */
export const modbusDeviceDefaults = {
  port: 502,
  unitId: 1,
  timeoutMs: 1_000,
  pollMs: 1_000,
  maxGapRegisters: 0,
  maxRegistersPerRead: 125,
  maxBitsPerRead: 2_000,
  backoff: { initialMs: 500, maxMs: 30_000 },
} as const satisfies Required<Omit<ModbusDeviceConfig, 'id' | 'host' | 'tags'>>;

/** What a tag key that is absent means. */
export const modbusTagDefaults = {
  wordOrder: 'big',
  byteOrder: 'big',
  scale: 1,
  offset: 0,
} as const satisfies Required<Pick<ModbusTagConfig, 'wordOrder' | 'byteOrder' | 'scale' | 'offset'>>;
