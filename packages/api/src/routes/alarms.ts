import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  alarmPriorities,
  alarmStates,
  InputError,
  UnavailableError,
  type AlarmEvent,
  type AlarmHistoryQuery,
  type AlarmListFilter,
  type AlarmPriority,
  type AlarmRecord,
  type AlarmState,
} from '@shopfloor/model';
import { parseTime } from '../time-param.ts';

/** Who acts, and why; the user is the API token's name. */
export interface AlarmActor {
  readonly user: string;
  readonly comment?: string;
}

/** What the alarm routes need of the alarm engine (`AlarmEngine` from @shopfloor/alarms has this shape). */
export interface AlarmOperations {
  alarms(filter: AlarmListFilter): AlarmRecord[];
  acknowledge(rule: string, tag: string, action: AlarmActor): AlarmRecord;
  shelve(rule: string, tag: string, untilTs: number, action: AlarmActor): AlarmRecord;
  unshelve(rule: string, tag: string, action: AlarmActor): AlarmRecord;
  suppress(rule: string, tag: string, action: AlarmActor): AlarmRecord;
  unsuppress(rule: string, tag: string, action: AlarmActor): AlarmRecord;
  setOutOfService(rule: string, tag: string, outOfService: boolean, action: AlarmActor): AlarmRecord;
}

/** The alarm history (`SqliteAlarmStore` has this shape). */
export interface AlarmHistoryReader {
  history(query: AlarmHistoryQuery): Promise<AlarmEvent[]>;
}

/** The API's alarm dependency: the live engine and the persisted history. */
export interface ApiAlarms {
  readonly engine: AlarmOperations;
  readonly history: AlarmHistoryReader;
}

const defaultHistoryMs = 86_400_000;
const state = Type.Union(
  alarmStates.map((name) => Type.Literal(name)),
  { description: 'alarm state' },
);
const priority = Type.Union(alarmPriorities.map((name) => Type.Literal(name)));
const target = {
  rule: Type.String({ minLength: 1, maxLength: 64 }),
  tag: Type.String({ minLength: 1, maxLength: 256 }),
  comment: Type.Optional(Type.String({ maxLength: 1_000 })),
};
const targetBody = Type.Object(target, { additionalProperties: false });
type TargetBody = { rule: string; tag: string; comment?: string };

/**
 * Current alarms, their history, and the operator actions of ISA-18.2. Without an alarm engine
 * (a node that runs no rules) every route answers 503 SF_ALARMS_UNAVAILABLE.
 */
export function registerAlarmRoutes(app: FastifyInstance, alarms: ApiAlarms | undefined, now: () => number): void {
  const need = (): ApiAlarms => {
    if (alarms === undefined)
      throw new UnavailableError('SF_ALARMS_UNAVAILABLE', 'this node runs no alarm engine: alarms are evaluated on an edge (or in the demo)');
    return alarms;
  };

  app.get<{ Querystring: { state?: AlarmState; priority?: AlarmPriority; tagPrefix?: string } }>(
    '/api/v1/alarms',
    {
      schema: {
        querystring: Type.Object(
          { state: Type.Optional(state), priority: Type.Optional(priority), tagPrefix: Type.Optional(Type.String({ minLength: 1 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { state: wanted, priority: urgency, tagPrefix } = request.query;
      const filter: AlarmListFilter = {
        ...(wanted === undefined ? {} : { state: wanted }),
        ...(urgency === undefined ? {} : { priority: urgency }),
        ...(tagPrefix === undefined ? {} : { tagPrefix }),
      };
      return { alarms: need().engine.alarms(filter) };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; tag?: string; tagPrefix?: string; rule?: string; state?: AlarmState; limit?: number } }>(
    '/api/v1/alarms/history',
    {
      schema: {
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String()),
            to: Type.Optional(Type.String()),
            tag: Type.Optional(Type.String({ minLength: 1 })),
            tagPrefix: Type.Optional(Type.String({ minLength: 1 })),
            rule: Type.Optional(Type.String({ minLength: 1 })),
            state: Type.Optional(state),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const source = need();
      const query = request.query;
      const at = now();
      const from = parseTime('from', query.from, at - defaultHistoryMs, at);
      const to = query.to === undefined ? undefined : parseTime('to', query.to, at, at);
      if (to !== undefined && from >= to) {
        throw new InputError('SF_TIME_RANGE_INVALID', `"from" (${new Date(from).toISOString()}) must be before "to" (${new Date(to).toISOString()})`);
      }
      const events = await source.history.history({
        from,
        ...(to === undefined ? {} : { to }),
        ...(query.tag === undefined ? {} : { tag: query.tag }),
        ...(query.tagPrefix === undefined ? {} : { tagPrefix: query.tagPrefix }),
        ...(query.rule === undefined ? {} : { rule: query.rule }),
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
      });
      return { events };
    },
  );

  const action = (
    path: string,
    perform: (engine: AlarmOperations, body: TargetBody, actor: AlarmActor) => AlarmRecord,
    schema: ReturnType<typeof Type.Object> = targetBody,
  ): void => {
    app.post<{ Body: TargetBody }>(`/api/v1/alarms/${path}`, { schema: { body: schema } }, async (request) => {
      const body = request.body;
      return { alarm: perform(need().engine, body, actorOf(request, body.comment)) };
    });
  };
  action('ack', (engine, body, actor) => engine.acknowledge(body.rule, body.tag, actor));
  action(
    'shelve',
    (engine, body, actor) => {
      const { untilTs, durationMs } = body as TargetBody & { untilTs?: number; durationMs?: number };
      if ((untilTs === undefined) === (durationMs === undefined)) {
        throw new InputError('SF_BAD_REQUEST', 'POST /api/v1/alarms/shelve: give exactly one of "untilTs" (epoch ms) and "durationMs"');
      }
      return engine.shelve(body.rule, body.tag, untilTs ?? now() + (durationMs ?? 0), actor);
    },
    Type.Object(
      {
        ...target,
        untilTs: Type.Optional(Type.Integer({ minimum: 0, description: 'end of the shelf, epoch ms' })),
        durationMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400_000, description: 'length of the shelf' })),
      },
      { additionalProperties: false },
    ),
  );
  action('unshelve', (engine, body, actor) => engine.unshelve(body.rule, body.tag, actor));
  action('suppress', (engine, body, actor) => engine.suppress(body.rule, body.tag, actor));
  action('unsuppress', (engine, body, actor) => engine.unsuppress(body.rule, body.tag, actor));
  action('out-of-service', (engine, body, actor) => engine.setOutOfService(body.rule, body.tag, true, actor));
  action('return-to-service', (engine, body, actor) => engine.setOutOfService(body.rule, body.tag, false, actor));
}

function actorOf(request: FastifyRequest, comment: string | undefined): AlarmActor {
  const user = request.principal?.name ?? 'unknown';
  return comment === undefined ? { user } : { user, comment };
}
