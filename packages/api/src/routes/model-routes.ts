import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { InputError, NotFoundError, tagFilterProblem, tagPathProblem, type Asset, type AssetModel, type Tag } from '@shopfloor/model';
import type { Registry } from '@shopfloor/engine';

const attributeValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const dataType = Type.Union([Type.Literal('float'), Type.Literal('int'), Type.Literal('bool'), Type.Literal('string')]);
const classification = Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('confidential'), Type.Literal('restricted')]);
const modelBody = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    extends: Type.Optional(Type.String({ minLength: 1 })),
    description: Type.Optional(Type.String()),
    attributes: Type.Array(
      Type.Object(
        { name: Type.String({ minLength: 1 }), dataType, default: Type.Optional(attributeValue), description: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    measurements: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1 }),
          dataType,
          unit: Type.Optional(Type.String()),
          description: Type.Optional(Type.String()),
          classification: Type.Optional(classification),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const level = Type.Union(['enterprise', 'site', 'area', 'line', 'cell', 'asset', 'component'].map((name) => Type.Literal(name)));
const assetBody = Type.Object(
  {
    level,
    name: Type.String({ minLength: 1 }),
    model: Type.Optional(Type.String({ minLength: 1 })),
    attributes: Type.Optional(Type.Record(Type.String(), attributeValue)),
  },
  { additionalProperties: false },
);

/** Browse and edit the data model: hierarchy (assets), asset models and tags. */
export function registerModelRoutes(app: FastifyInstance, registry: Registry, onTagsDeclared: (tags: Tag[]) => void): void {
  app.get('/api/v1/models', async () => ({ models: await registry.listModels() }));

  app.get<{ Params: { id: string }; Querystring: { resolved?: boolean } }>(
    '/api/v1/models/:id',
    { schema: { querystring: Type.Object({ resolved: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) } },
    async (request) => {
      const { id } = request.params;
      const model = request.query.resolved === true ? await registry.resolveModel(id) : await registry.getModel(id);
      if (model === undefined) throw new NotFoundError('SF_MODEL_NOT_FOUND', `no asset model "${id}"`);
      return model;
    },
  );

  app.put<{ Params: { id: string }; Body: Omit<AssetModel, 'id'> }>('/api/v1/models/:id', { schema: { body: modelBody } }, async (request, reply) => {
    await registry.upsertModel({ ...request.body, id: request.params.id });
    return reply.status(200).send(await registry.getModel(request.params.id));
  });

  app.get<{ Querystring: { under?: string } }>(
    '/api/v1/assets',
    { schema: { querystring: Type.Object({ under: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }) } },
    async (request) => ({ assets: await registry.listAssets(request.query.under) }),
  );

  app.get<{ Params: { '*': string } }>('/api/v1/assets/*', async (request) => {
    const path = request.params['*'];
    const asset = await registry.getAsset(path);
    if (asset === undefined) throw new NotFoundError('SF_ASSET_NOT_FOUND', `no asset at "${path}"`);
    return {
      ...asset,
      children: await registry.listAssets(path).then((all) => all.filter((child) => child.path.split('/').length === path.split('/').length + 1)),
    };
  });

  app.put<{ Params: { '*': string }; Body: Omit<Asset, 'path' | 'attributes'> & { attributes?: Asset['attributes'] } }>(
    '/api/v1/assets/*',
    { schema: { body: assetBody } },
    async (request) => {
      const path = request.params['*'];
      const problem = tagPathProblem(path.includes('/') ? path : `${path}/x`);
      if (problem !== undefined) throw new InputError('SF_ASSET_INVALID', `asset path "${path}" ${problem}`);
      onTagsDeclared(await registry.upsertAsset({ ...request.body, path, attributes: request.body.attributes ?? {} }));
      return registry.getAsset(path);
    },
  );

  app.get<{ Querystring: { filter?: string } }>(
    '/api/v1/tags',
    { schema: { querystring: Type.Object({ filter: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }) } },
    async (request) => {
      const filter = request.query.filter;
      if (filter !== undefined) {
        const problem = tagFilterProblem(filter);
        if (problem !== undefined) throw new InputError('SF_TAG_FILTER_INVALID', `tag filter "${filter}" ${problem}`);
      }
      return { tags: await registry.listTags(filter) };
    },
  );
}
