import type { FastifyInstance } from 'fastify';
import type { IngestStats } from '@shopfloor/engine';
import type { NodeMetrics } from '../metrics.ts';

export interface NodeInfo {
  readonly role: string;
  readonly version: string;
  readonly startedAt: number;
  /** Extra health facts from the role (broker port, collectors' state, ...). */
  readonly details?: () => Record<string, unknown>;
}

/** The public routes: index, health and Prometheus metrics. */
export function registerSystemRoutes(app: FastifyInstance, info: NodeInfo, stats: IngestStats, metrics: NodeMetrics): void {
  app.get('/', { config: { public: true } }, async () => ({
    name: 'shopfloor',
    role: info.role,
    version: info.version,
    links: { health: '/health', metrics: '/metrics', tags: '/api/v1/tags', latest: '/api/v1/latest', history: '/api/v1/history?tag=<path>', live: '/api/v1/live?filter=<uns filter>' },
  }));

  app.get('/health', { config: { public: true } }, async () => ({
    status: 'ok',
    role: info.role,
    version: info.version,
    uptimeSeconds: Math.round((Date.now() - info.startedAt) / 1000),
    ingest: { received: stats.received, stored: stats.stored, rejected: stats.rejectedTotal(), pending: stats.pending },
    ...(info.details?.() ?? {}),
  }));

  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    metrics.sample(Date.now());
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
