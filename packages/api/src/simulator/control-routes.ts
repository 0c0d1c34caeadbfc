import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { faultKinds, machineStates, type FaultKind, type MachineState, type Plant } from '@shopfloor/simulator';

const faultKind = Type.Union(faultKinds.map((kind) => Type.Literal(kind)));
const machineState = Type.Union(machineStates.map((state) => Type.Literal(state)));

/**
 * The simulator's control surface: the same operations the twin's what-if runs will drive.
 * `GET /sim/v1/machines`, `GET /sim/v1/labels`, `POST /sim/v1/faults`, `DELETE /sim/v1/faults/:id`,
 * `PUT /sim/v1/machines/<path>/state`, `PUT /sim/v1/setpoints/<tag path>`, `GET /sim/v1/values?prefix=`,
 * `GET /sim/v1/waveform/<machine>?channel=` (one vibration block).
 */
export function registerSimulatorControlRoutes(app: FastifyInstance, plant: Plant): void {
  /** The plant resolves machine references (a full path or a unique end of one) and says when one is unknown or ambiguous. */
  const machineInfo = (reference: string) => plant.machines().find((machine) => machine.path === reference || machine.path.endsWith(`/${reference}`));

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

  app.get<{ Params: { '*': string }; Querystring: { channel?: string } }>(
    '/sim/v1/waveform/*',
    { schema: { querystring: Type.Object({ channel: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }) } },
    async (request) => {
      const block = plant.waveform(request.params['*'], request.query.channel);
      return { ...block, samples: Array.from(block.samples) };
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
      const { machine, kind, ...options } = request.body;
      return reply.status(201).send(plant.injectFault(machine, kind, options));
    },
  );

  app.delete<{ Params: { id: string } }>('/sim/v1/faults/:id', async (request) => plant.clearFault(request.params.id));

  app.put<{ Params: { '*': string }; Body: { state: MachineState; reason?: string } }>(
    '/sim/v1/machines/*',
    { schema: { body: Type.Object({ state: machineState, reason: Type.Optional(Type.String()) }, { additionalProperties: false }) } },
    async (request) => {
      const reference = request.params['*'].replace(/\/state$/, '');
      plant.setMachineState(reference, request.body.state, request.body.reason ?? 'control API');
      const { tags: _tags, ...info } = machineInfo(reference) ?? { tags: [] };
      return info;
    },
  );

  app.put<{ Params: { '*': string }; Body: { value: number | boolean | string } }>(
    '/sim/v1/setpoints/*',
    { schema: { body: Type.Object({ value: Type.Union([Type.Number(), Type.Boolean(), Type.String()]) }, { additionalProperties: false }) } },
    async (request) => {
      const path = request.params['*'];
      plant.write(path, request.body.value);
      return { tag: path, value: plant.value(path), at: plant.now };
    },
  );
}
