import { createServer } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import websocket from '@fastify/websocket';
import type { Tag } from '@shopfloor/model';
import type { Plant } from '@shopfloor/simulator';
import { registerSimulatorControlRoutes } from './simulator/control-routes.ts';
import type { Closeable, IngestStats, Logger, PointStore, Registry } from '@shopfloor/engine';
import type { ApiConfig } from './config.ts';
import { installErrorHandler } from './error-handler.ts';
import { installAuthorization } from './auth/authorize.ts';
import type { TokenVerifier } from './auth/token-store.ts';
import type { LiveHub } from './live-hub.ts';
import type { NodeMetrics } from './metrics.ts';
import { registerModelRoutes } from './routes/model-routes.ts';
import { registerPointRoutes } from './routes/point-routes.ts';
import { registerLiveRoute } from './routes/live-route.ts';
import { registerSystemRoutes, type NodeInfo } from './routes/system-routes.ts';
import { registerEdgeRoutes, type EdgeDirectory } from './routes/edge-routes.ts';
import { registerAlarmRoutes, type ApiAlarms } from './routes/alarms.ts';

export interface ApiDeps {
  readonly store: PointStore;
  readonly registry: Registry;
  readonly stats: IngestStats;
  readonly live: LiveHub;
  readonly metrics: NodeMetrics;
  readonly tokens: TokenVerifier;
  readonly logger: Logger;
  readonly info: NodeInfo;
  readonly now?: () => number;
  /** Told about tags the data model declared (an asset with a model), so ingest knows them at once. */
  readonly onTagsDeclared?: (tags: Tag[]) => void;
  /** A simulated plant in this process (the demo): its control routes are served under /sim/v1. */
  readonly simulator?: Plant;
  /** The edges that send to this node (a hub with an uplink receiver): served under /api/v1/edges. */
  readonly edges?: EdgeDirectory;
  /** The alarm engine and history (an edge, the demo): /api/v1/alarms; without it those routes answer 503. */
  readonly alarms?: ApiAlarms;
}

export interface ApiServer extends Closeable {
  readonly app: FastifyInstance;
  /** Starts listening; resolves to the bound port. */
  listen(): Promise<number>;
}

export async function createApiServer(config: ApiConfig, deps: ApiDeps): Promise<ApiServer> {
  const app = Fastify({ logger: false });
  // Query strings arrive as text and are coerced to the schema's types; JSON bodies are taken as sent
  // (coercing a body would turn the attribute 15 into "15").
  const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false });
  const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  installErrorHandler(app, deps.logger);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  installAuthorization(app, deps.tokens);
  registerSystemRoutes(app, deps.info, deps.stats, deps.metrics);
  registerModelRoutes(app, deps.registry, deps.onTagsDeclared ?? (() => undefined));
  registerPointRoutes(app, config, { store: deps.store, registry: deps.registry, stats: deps.stats, now: deps.now ?? Date.now });
  registerLiveRoute(app, deps.live);
  if (deps.simulator !== undefined) registerSimulatorControlRoutes(app, deps.simulator);
  if (deps.edges !== undefined) registerEdgeRoutes(app, deps.edges);
  registerAlarmRoutes(app, deps.alarms, deps.now ?? Date.now);
  return {
    app,
    async listen() {
      let port = config.port;
      if (port !== 0 && !(await portIsFree(config.host, port))) {
        deps.logger.warn(`HTTP port ${port} is already in use; the API listens on a free port instead (set api.port to choose one)`, { wantedPort: port });
        port = 0;
      }
      await app.listen({ host: config.host, port });
      const address = app.server.address();
      return typeof address === 'object' && address !== null ? address.port : config.port;
    },
    async close() {
      for (const client of app.websocketServer?.clients ?? []) client.terminate();
      await app.close();
    },
  };
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
