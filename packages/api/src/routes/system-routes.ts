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

const failureWindowMs = 30_000;

/** The public routes (index, health, Prometheus metrics) and the authenticated node status. */
export function registerSystemRoutes(app: FastifyInstance, info: NodeInfo, stats: IngestStats, metrics: NodeMetrics): void {
  app.get('/', { config: { public: true } }, async () => ({
    name: 'shopfloor',
    role: info.role,
    version: info.version,
    links: {
      health: '/health',
      metrics: '/metrics',
      status: '/api/v1/status',
      tags: '/api/v1/tags',
      latest: '/api/v1/latest',
      history: '/api/v1/history?tag=<path>',
      live: '/api/v1/live?filter=<uns filter>',
    },
  }));

  // Public and terse: whether the node works. Names of devices and peers are behind authentication.
  app.get('/health', { config: { public: true } }, async (_request, reply) => {
    const storing = Date.now() - stats.lastFailureAt > failureWindowMs;
    return reply.status(storing ? 200 : 503).send({
      status: storing ? 'ok' : 'degraded',
      role: info.role,
      version: info.version,
      uptimeSeconds: Math.round((Date.now() - info.startedAt) / 1000),
      ...(storing ? {} : { problem: `storing points failed in the last ${failureWindowMs / 1000} s; see /api/v1/status and the log` }),
    });
  });

  app.get('/api/v1/status', async () => ({
    role: info.role,
    version: info.version,
    startedAt: info.startedAt,
    ingest: {
      received: stats.received,
      stored: stats.stored,
      rejected: stats.rejectedTotal(),
      filtered: stats.filtered,
      failed: stats.failed,
      pending: stats.pending,
      lastFailureAt: stats.lastFailureAt === 0 ? undefined : stats.lastFailureAt,
    },
    ...(info.details?.() ?? {}),
  }));

  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    metrics.sample(Date.now());
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
