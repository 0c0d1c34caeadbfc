import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { NotFoundError } from '@shopfloor/model';
import { faultKinds, machineStates, type FaultKind, type MachineState, type Plant } from '@shopfloor/simulator';

const faultKind = Type.Union(faultKinds.map((kind) => Type.Literal(kind)));
const machineState = Type.Union(machineStates.map((state) => Type.Literal(state)));

/**
 * The simulator's control surface: the same operations the twin's what-if runs will drive.
 * `GET /sim/v1/machines`, `GET /sim/v1/labels`, `POST /sim/v1/faults`, `DELETE /sim/v1/faults/:id`,
 * `PUT /sim/v1/machines/<path>/state`, `PUT /sim/v1/setpoints/<tag path>`, `GET /sim/v1/values?prefix=`.
 */
export function registerSimulatorControlRoutes(app: FastifyInstance, plant: Plant): void {
  const machine = (path: string) => {
    const found = plant.machines().find((candidate) => candidate.path === path || candidate.id === path);
    if (found === undefined) throw new NotFoundError('SF_NOT_FOUND', `no simulated machine "${path}"; GET /sim/v1/machines lists them`);
    return found;
  };

  app.get('/sim/v1/machines', async () => ({ now: plant.now, machines: plant.machines().map(({ tags: _tags, ...info }) => info) }));
  app.get('/sim/v1/labels', async () => ({ now: plant.now, labels: plant.labels() }));
  app.get('/sim/v1/counters', async () => ({ now: plant.now, counters: plant.counters() }));

  app.get<{ Querystring: { prefix?: string } }>(
    '/sim/v1/values',
    { schema: { querystring: Type.Object({ prefix: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }) } },
    async (request) => {
      const prefix = request.query.prefix;
      const values = plant.tags
        .filter((tag) => prefix === undefined || tag.path.startsWith(prefix))
        .map((tag) => ({ tag: tag.path, value: plant.valueAt(tag.index), quality: plant.qualityAt(tag.index), unit: tag.unit, writable: tag.writable }));
      return { now: plant.now, values };
    },
  );

  app.post<{ Body: { machine: string; kind: FaultKind; severity?: number; timeToFailureMs?: number; tag?: string } }>(
    '/sim/v1/faults',
    {
      schema: {
        body: Type.Object(
          {
            machine: Type.String({ minLength: 1 }),
            kind: faultKind,
            severity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            timeToFailureMs: Type.Optional(Type.Integer({ minimum: 1 })),
            tag: Type.Optional(Type.String({ minLength: 1 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { machine: path, kind, ...options } = request.body;
      const label = plant.injectFault(machine(path).path, kind, options);
      return reply.status(201).send(label);
    },
  );

  app.delete<{ Params: { id: string } }>('/sim/v1/faults/:id', async (request) => {
    if (!plant.labels().some((label) => label.id === request.params.id))
      throw new NotFoundError('SF_NOT_FOUND', `no fault "${request.params.id}"; GET /sim/v1/labels lists them`);
    return plant.clearFault(request.params.id);
  });

  app.put<{ Params: { '*': string }; Body: { state: MachineState; reason?: string } }>(
    '/sim/v1/machines/*',
    { schema: { body: Type.Object({ state: machineState, reason: Type.Optional(Type.String()) }, { additionalProperties: false }) } },
    async (request) => {
      const path = request.params['*'].replace(/\/state$/, '');
      const found = machine(path);
      plant.setMachineState(found.path, request.body.state, request.body.reason ?? 'control API');
      return machine(found.path);
    },
  );

  app.put<{ Params: { '*': string }; Body: { value: number | boolean | string } }>(
    '/sim/v1/setpoints/*',
    { schema: { body: Type.Object({ value: Type.Union([Type.Number(), Type.Boolean(), Type.String()]) }, { additionalProperties: false }) } },
    async (request) => {
      const path = request.params['*'];
      if (plant.value(path) === undefined) throw new NotFoundError('SF_TAG_NOT_FOUND', `no simulated tag "${path}"; GET /sim/v1/values lists them`);
      plant.write(path, request.body.value);
      return { tag: path, value: plant.value(path), at: plant.now };
    },
  );
}
