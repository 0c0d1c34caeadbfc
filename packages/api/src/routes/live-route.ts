import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { tagFilterProblem } from '@shopfloor/model';
import type { LiveHub } from '../live-hub.ts';

const maxBufferedBytes = 4 * 1024 * 1024;

/**
 * `GET /api/v1/live?filter=acme/+/press/#` upgraded to a WebSocket: a stream of
 * `{"type":"points","points":[{tag,ts,value,quality}]}` messages for the tags that match.
 * Several filters: repeat `filter`. A client that falls 4 MB behind gets `{"type":"lagged"}` notices.
 */
export function registerLiveRoute(app: FastifyInstance, hub: LiveHub): void {
  app.get<{ Querystring: { filter: string | string[]; token?: string } }>(
    '/api/v1/live',
    {
      websocket: true,
      schema: {
        querystring: Type.Object(
          {
            filter: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
            token: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    (socket, request) => {
      const raw = request.query.filter;
      const filters = Array.isArray(raw) ? raw : [raw];
      for (const filter of filters) {
        const problem = tagFilterProblem(filter);
        if (problem !== undefined) {
          socket.send(JSON.stringify({ type: 'error', error: { code: 'SF_TAG_FILTER_INVALID', message: `tag filter "${filter}" ${problem}` } }));
          socket.close(1008, 'invalid tag filter');
          return;
        }
      }
      let lagged = 0;
      const remove = hub.add({
        filters,
        send(points) {
          if (socket.bufferedAmount > maxBufferedBytes) {
            lagged += points.length;
            return false;
          }
          if (lagged > 0) {
            socket.send(JSON.stringify({ type: 'lagged', dropped: lagged }));
            lagged = 0;
          }
          socket.send(JSON.stringify({ type: 'points', points }));
          return true;
        },
      });
      socket.send(JSON.stringify({ type: 'subscribed', filters }));
      socket.on('close', remove);
    },
  );
}
