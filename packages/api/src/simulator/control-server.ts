import Fastify from 'fastify';
import type { Closeable, Logger } from '@shopfloor/engine';
import type { Plant } from '@shopfloor/simulator';
import { installAuthorization } from '../auth/authorize.ts';
import type { TokenVerifier } from '../auth/token-store.ts';
import { installErrorHandler } from '../error-handler.ts';
import { registerSimulatorControlRoutes } from './control-routes.ts';

export interface SimulatorControlServer extends Closeable {
  readonly url: string;
}

/** The simulator's control API on its own port, behind the same deny-by-default hook as the node API. */
export async function startSimulatorControlServer(
  plant: Plant,
  options: { host: string; port: number },
  deps: { tokens: TokenVerifier; logger: Logger },
): Promise<SimulatorControlServer> {
  const app = Fastify({ logger: false });
  installErrorHandler(app, deps.logger);
  installAuthorization(app, deps.tokens);
  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok', simulatedTime: new Date(plant.now).toISOString() }));
  registerSimulatorControlRoutes(app, plant);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { url: `http://${options.host}:${port}`, close: () => app.close() };
}
