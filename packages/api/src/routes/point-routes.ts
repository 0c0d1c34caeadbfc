import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { InputError, NotFoundError, tagFilterProblem, tagPathProblem, type Point } from '@shopfloor/model';
import type { IngestStats, PointStore, Registry } from '@shopfloor/engine';
import type { ApiConfig } from '../config.ts';
import { parseTime } from '../time-param.ts';

export interface PointRouteDeps {
  readonly store: PointStore;
  readonly registry: Registry;
  readonly stats: IngestStats;
  readonly now: () => number;
}

const historyQuery = Type.Object(
  {
    tag: Type.String({ minLength: 1 }),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
    buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    windowMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** Latest values, history (raw with paging, downsampled, fixed windows) and ingest rejections. */
export function registerPointRoutes(app: FastifyInstance, config: ApiConfig, deps: PointRouteDeps): void {
  app.get<{ Querystring: { filter?: string; tag?: string | string[] } }>(
    '/api/v1/latest',
    {
      schema: {
        querystring: Type.Object(
          {
            filter: Type.Optional(Type.String({ minLength: 1 })),
            tag: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { filter, tag } = request.query;
      let tags: string[];
      if (tag !== undefined) tags = Array.isArray(tag) ? tag : [tag];
      else {
        const wanted = filter ?? '#';
        const problem = tagFilterProblem(wanted);
        if (problem !== undefined) throw new InputError('SF_TAG_FILTER_INVALID', `tag filter "${wanted}" ${problem}`);
        tags = (await deps.registry.listTags(wanted)).map((known) => known.path);
      }
      const latest = await deps.store.latest(tags);
      const points: Point[] = [];
      for (const path of tags) {
        const point = latest.get(path);
        if (point !== undefined) points.push(point);
      }
      return { points };
    },
  );

  app.get<{ Querystring: { tag: string; from?: string; to?: string; limit?: number; buckets?: number; windowMs?: number } }>(
    '/api/v1/history',
    { schema: { querystring: historyQuery } },
    async (request) => {
      const { tag, buckets, windowMs } = request.query;
      const problem = tagPathProblem(tag);
      if (problem !== undefined) throw new InputError('SF_TAG_PATH_INVALID', `tag "${tag}" ${problem}`);
      const now = deps.now();
      const to = parseTime('to', request.query.to, now, now);
      const from = parseTime('from', request.query.from, to - 3_600_000, now);
      if (from >= to)
        throw new InputError('SF_TIME_RANGE_INVALID', `"from" (${new Date(from).toISOString()}) must be before "to" (${new Date(to).toISOString()})`);
      if (buckets !== undefined && windowMs !== undefined) throw new InputError('SF_BAD_REQUEST', 'give either "buckets" or "windowMs", not both');
      const known = await deps.registry.getTag(tag);
      if (known === undefined) throw new NotFoundError('SF_TAG_NOT_FOUND', `no tag "${tag}"`);
      const window = { from, to };
      if (buckets !== undefined) return { tag, from, to, buckets: await deps.store.downsample(tag, window, buckets) };
      if (windowMs !== undefined) {
        if ((to - from) / windowMs > 100_000)
          throw new InputError('SF_BAD_REQUEST', `windowMs ${windowMs} over this range makes more than 100000 windows; use a larger window`);
        return { tag, from, to, windowMs, buckets: await deps.store.aggregate(tag, window, windowMs) };
      }
      const limit = Math.min(request.query.limit ?? config.maxHistoryPoints, config.maxHistoryPoints);
      const points = await deps.store.range(tag, window, { limit: limit + 1 });
      const more = points.length > limit;
      if (more) points.length = limit;
      const last = points[points.length - 1];
      return {
        tag,
        from,
        to,
        points: points.map(({ ts, value, quality }) => ({ ts, value, quality })),
        ...(more && last !== undefined ? { next: { from: last.ts + 1, to } } : {}),
      };
    },
  );

  app.get('/api/v1/ingest', async () => {
    const stats = deps.stats;
    return {
      received: stats.received,
      stored: stats.stored,
      rejected: stats.rejectedTotal(),
      rejectedByReason: stats.rejected,
      filtered: stats.filtered,
      failed: stats.failed,
      pending: stats.pending,
      recentRejections: stats.recentRejections.slice(-50),
    };
  });
}
