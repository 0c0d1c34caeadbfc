import { createSilentLogger } from '@shopfloor/engine';
import type { Asset, AssetModel, Tag } from '@shopfloor/model';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteRegistry } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const dir = tempDir('sf-registry');
afterAll(() => dir.remove());
const deps = { logger: createSilentLogger() };

const pump: AssetModel = {
  id: 'pump',
  name: 'Pump',
  attributes: [{ name: 'ratedFlow', dataType: 'float' }],
  measurements: [{ name: 'flow', dataType: 'float', unit: 'm3/h' }],
};
const assets: Asset[] = [
  { path: 'acme', level: 'enterprise', name: 'ACME', attributes: {} },
  { path: 'acme/plant1', level: 'site', name: 'Plant 1', attributes: { timezone: 'Europe/Berlin' } },
  { path: 'acme/plant1/pumps', level: 'area', name: 'Pumps', attributes: {} },
  { path: 'acme/plant1/pumps/p1', level: 'asset', name: 'P1', model: 'pump', attributes: { ratedFlow: 12.5 } },
];

describe('SqliteRegistry', () => {
  it('keeps its data across close and reopen', async () => {
    const file = dir.file('model.db');
    const registry = await createSqliteRegistry({ file }, deps);
    await registry.upsertModel(pump);
    for (const node of assets) await registry.upsertAsset(node);
    await registry.close();
    const reopened = await createSqliteRegistry({ file }, deps);
    expect(await reopened.listModels()).toEqual([pump]);
    expect(await reopened.listAssets()).toEqual(assets);
    expect(await reopened.listTags()).toEqual([
      { path: 'acme/plant1/pumps/p1/flow', dataType: 'float', unit: 'm3/h', classification: 'internal', asset: 'acme/plant1/pumps/p1' },
    ]);
    await reopened.close();
  });

  it("keeps a model tag's source binding when the asset is upserted again", async () => {
    const registry = await createSqliteRegistry({ file: ':memory:' }, deps);
    await registry.upsertModel(pump);
    for (const node of assets) await registry.upsertAsset(node);
    const bound: Tag = {
      path: 'acme/plant1/pumps/p1/flow',
      dataType: 'float',
      unit: 'm3/h',
      classification: 'internal',
      asset: 'acme/plant1/pumps/p1',
      source: { protocol: 'opc-ua', address: 'ns=2;s=P1.Flow' },
    };
    await registry.upsertTags([bound]);
    await registry.upsertAsset({ ...(assets[3] as Asset), name: 'Pump 1' });
    expect(await registry.getTag(bound.path)).toEqual(bound);
    await registry.close();
    await registry.close();
    await expect(registry.listTags()).rejects.toMatchObject({ name: 'UnavailableError', code: 'SF_STORE_UNAVAILABLE' });
  });
});
