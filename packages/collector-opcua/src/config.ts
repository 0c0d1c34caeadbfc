import { Type, type Static } from 'typebox';

const deadbandSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('absolute'), Type.Literal('percent')], {
      description:
        'absolute: report a change larger than value (in the variable’s unit); percent: larger than value % of the variable’s EURange span (needs an EURange on the server; without one the item reports every change and a warning is logged).',
    }),
    value: Type.Number({ minimum: 0, description: 'The deadband: a number ≥ 0 in the variable’s unit (absolute) or 0–100 (percent).' }),
  },
  {
    additionalProperties: false,
    description: 'A DataChangeFilter deadband the server applies: smaller changes are not reported. Numeric variables only; others report every change.',
  },
);

const samplingIntervalSchema = Type.Integer({
  minimum: 0,
  maximum: 3_600_000,
  description: 'How often the server samples the variable (the server may revise it; 0: as fast as it can). Default 1000.',
});
const queueSizeSchema = Type.Integer({
  minimum: 1,
  maximum: 10_000,
  description: 'Samples the server keeps per item between two publishes (the oldest are dropped). Default 10.',
});

const itemSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Tag path the values are stored under, e.g. acme/plant1/press-shop/line1/press-1/oil-temp.' }),
    nodeId: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'NodeId of the variable, e.g. ns=1;s=acme/plant1/line1/press-1/oil-temp or ns=2;i=1042. Give either nodeId or browsePath.',
      }),
    ),
    browsePath: Type.Optional(
      Type.String({
        pattern: '^/',
        description:
          'Browse path from the Root folder, e.g. /Objects/2:Acme/2:Plant1/2:Press1/2:OilTemp (namespace index:BrowseName per step), resolved with TranslateBrowsePathsToNodeIds at every (re)connection. Give either nodeId or browsePath.',
      }),
    ),
    samplingIntervalMs: Type.Optional(samplingIntervalSchema),
    queueSize: Type.Optional(queueSizeSchema),
    deadband: Type.Optional(deadbandSchema),
  },
  { additionalProperties: false, description: 'One variable bound to one tag.' },
);

const browseSchema = Type.Object(
  {
    root: Type.String({
      minLength: 1,
      description: 'Where to start: a NodeId (ns=1;s=acme/plant1/machining/line1) or a browse path from the Root folder (/Objects/1:acme/1:plant1).',
    }),
    tagPrefix: Type.String({
      pattern: '^[A-Za-z0-9_.:-]{1,64}(/[A-Za-z0-9_.:-]{1,64})*$',
      description: 'Tag path put in front of the browse names below the root: a variable at root/a/b is stored as <tagPrefix>/a/b.',
    }),
    samplingIntervalMs: Type.Optional(samplingIntervalSchema),
    queueSize: Type.Optional(queueSizeSchema),
    deadband: Type.Optional(deadbandSchema),
  },
  {
    additionalProperties: false,
    description:
      'Binds every Variable below root (following Organizes and HasComponent, recursively) to a tag; browse names are made tag segments (characters other than letters, digits, _ - . : become _). Re-browsed at every (re)connection.',
  },
);

const serverSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Name of the server in health, logs and metrics.' }),
    endpointUrl: Type.String({
      pattern: '^opc\\.tcp://(\\[[0-9A-Fa-f:.]+\\]|[^\\s/:\\[\\]]+)(:[0-9]{1,5})?(/\\S*)?$',
      description: 'Endpoint of the server, e.g. opc.tcp://plc-7.plant.local:4840 or opc.tcp://[fd00::7]:4840.',
    }),
    securityMode: Type.Optional(
      Type.Literal('None', {
        description:
          'Message security. Only None (no signing, no encryption, anonymous user) is supported for now; Sign and SignAndEncrypt with certificates are not implemented yet. Default None.',
      }),
    ),
    publishingIntervalMs: Type.Optional(
      Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'How often the subscription sends the changes it collected. Default 1000.' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        description: 'Bound on connecting, on each request and on closing; a subscription silent for 3 keep-alive periods counts as lost. Default 5000.',
      }),
    ),
    backoff: Type.Optional(
      Type.Object(
        {
          initialMs: Type.Integer({ minimum: 10, maximum: 600_000, description: 'Delay before the first reconnection attempt.' }),
          maxMs: Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'Longest delay between attempts (the delay doubles up to it, ±20 % jitter).' }),
        },
        { additionalProperties: false, description: 'Reconnection back-off. Default 500 → 30000 ms.' },
      ),
    ),
    items: Type.Optional(Type.Array(itemSchema, { description: 'Variables bound one by one.' })),
    browse: Type.Optional(Type.Array(browseSchema, { description: 'Folders or objects whose variables are all bound.' })),
  },
  { additionalProperties: false, description: 'One OPC UA server: one session, one subscription.' },
);

export const opcUaCollectorConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Name of the collector in health and logs.' }),
    servers: Type.Array(serverSchema, { description: 'OPC UA servers to subscribe to.' }),
  },
  { additionalProperties: false },
);

export type OpcUaCollectorConfig = Static<typeof opcUaCollectorConfigSchema>;
export type OpcUaServerConfig = Static<typeof serverSchema>;
export type OpcUaItemConfig = Static<typeof itemSchema>;
export type OpcUaBrowseConfig = Static<typeof browseSchema>;
export type OpcUaDeadband = Static<typeof deadbandSchema>;

export const opcUaCollectorDefaults: OpcUaCollectorConfig = { id: 'opc-ua', servers: [] };

/** What an absent optional key of a server, item or browse entry means. */
export const opcUaServerDefaults = {
  securityMode: 'None',
  publishingIntervalMs: 1_000,
  timeoutMs: 5_000,
  backoff: { initialMs: 500, maxMs: 30_000 },
  samplingIntervalMs: 1_000,
  queueSize: 10,
} as const;
