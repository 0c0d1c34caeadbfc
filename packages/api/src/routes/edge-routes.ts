import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ConflictError, NotFoundError } from '@shopfloor/model';

/** What the hub knows of one edge from its uplink. */
export interface EdgeSummary {
  readonly id: string;
  /** Epoch ms of the last message from the edge. */
  readonly lastSeenAt: number;
  /** The edge's latest status record as it sent it (config version, collectors' health, backlog). */
  readonly status: Readonly<Record<string, unknown>> | undefined;
  /** The edge's latest report of data its outbox dropped to stay within its disk budget. */
  readonly drops?: unknown;
}

export interface ConfigPushReply {
  readonly ok: boolean;
  /** The version the edge runs after the push. */
  readonly version: number;
  readonly error?: string;
}

/** The hub's view of its edges, served under /api/v1/edges (the receiver of the uplink implements it). */
export interface EdgeDirectory {
  list(): EdgeSummary[];
  get(id: string): EdgeSummary | undefined;
  /** Sends a configuration to the edge; rejects with SF_EDGE_UNREACHABLE when it does not answer in time. */
  pushConfig(id: string, version: number, document: unknown): Promise<ConfigPushReply>;
}

const configBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Must be higher than the version the edge runs.' }),
    config: Type.Object({}, { additionalProperties: true, description: 'The edge part of a node configuration: collectors, processors, rules.' }),
  },
  { additionalProperties: false },
);

/** Edges seen by this hub, their health, and configuration pushed to them. */
export function registerEdgeRoutes(app: FastifyInstance, edges: EdgeDirectory): void {
  app.get('/api/v1/edges', async () => ({ edges: edges.list() }));

  app.get<{ Params: { id: string } }>('/api/v1/edges/:id', async (request) => {
    const edge = edges.get(request.params.id);
    if (edge === undefined) throw new NotFoundError('SF_EDGE_NOT_FOUND', `no edge "${request.params.id}" has reported to this hub`);
    return edge;
  });

  app.put<{ Params: { id: string }; Body: { version: number; config: Record<string, unknown> } }>(
    '/api/v1/edges/:id/config',
    { schema: { body: configBody } },
    async (request) => {
      const { id } = request.params;
      if (edges.get(id) === undefined) throw new NotFoundError('SF_EDGE_NOT_FOUND', `no edge "${id}" has reported to this hub`);
      const reply = await edges.pushConfig(id, request.body.version, request.body.config);
      if (!reply.ok) {
        throw new ConflictError(
          `edge "${id}" refused configuration version ${request.body.version} and keeps version ${reply.version}: ${reply.error ?? 'no reason given'}`,
          undefined,
          'SF_EDGE_CONFIG_REFUSED',
        );
      }
      return reply;
    },
  );
}
