import type { Registry } from '@shopfloor/engine';
import type { Asset, AssetModel, HierarchyLevel, Tag } from '@shopfloor/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byPath } from './fixtures.ts';

const machine: AssetModel = {
  id: 'machine',
  name: 'Machine',
  attributes: [
    { name: 'serial', dataType: 'string' },
    { name: 'ratedPower', dataType: 'float', default: 10 },
  ],
  measurements: [
    { name: 'state', dataType: 'string' },
    { name: 'temperature', dataType: 'float', unit: '°C', classification: 'internal' },
  ],
};
const press: AssetModel = {
  id: 'press',
  name: 'Press',
  extends: 'machine',
  description: 'Any press',
  attributes: [
    { name: 'ratedPower', dataType: 'float', default: 50 },
    { name: 'tonnage', dataType: 'int' },
  ],
  measurements: [
    { name: 'temperature', dataType: 'float', unit: 'K' },
    { name: 'force', dataType: 'float', unit: 'kN', classification: 'confidential' },
  ],
};
const servoPress: AssetModel = {
  id: 'servo-press',
  name: 'Servo press',
  extends: 'press',
  attributes: [],
  measurements: [{ name: 'position', dataType: 'float', unit: 'mm' }],
};

function asset(path: string, level: HierarchyLevel, model?: string): Asset {
  return { path, level, name: path.split('/').pop() ?? path, attributes: {}, ...(model === undefined ? {} : { model }) };
}

const line = 'acme/plant1/press-shop/line1';
const hierarchy = [asset('acme', 'enterprise'), asset('acme/plant1', 'site'), asset('acme/plant1/press-shop', 'area'), asset(line, 'line')];

/** The behaviour every Registry adapter must show; `open` gives a fresh, empty registry for every test. */
export function registryContract(adapter: string, open: () => Promise<Registry>): void {
  describe(`Registry contract (${adapter})`, () => {
    let registry: Registry;
    beforeEach(async () => {
      registry = await open();
    });
    afterEach(async () => {
      await registry.close();
    });
    const seedHierarchy = async (): Promise<void> => {
      for (const node of hierarchy) expect(await registry.upsertAsset(node)).toEqual([]);
    };

    it('folds inherited attributes and measurements, the child overriding by name', async () => {
      for (const model of [machine, press, servoPress]) await registry.upsertModel(model);
      expect(await registry.getModel('servo-press')).toEqual(servoPress);
      expect(await registry.resolveModel('servo-press')).toEqual({
        id: 'servo-press',
        name: 'Servo press',
        extends: 'press',
        attributes: [
          { name: 'serial', dataType: 'string' },
          { name: 'ratedPower', dataType: 'float', default: 50 },
          { name: 'tonnage', dataType: 'int' },
        ],
        measurements: [
          { name: 'state', dataType: 'string' },
          { name: 'temperature', dataType: 'float', unit: 'K' },
          { name: 'force', dataType: 'float', unit: 'kN', classification: 'confidential' },
          { name: 'position', dataType: 'float', unit: 'mm' },
        ],
      });
      expect(await registry.resolveModel('machine')).toEqual(machine);
      expect(await registry.resolveModel('nothing')).toBeUndefined();
      expect((await registry.listModels()).map((model) => model.id).sort()).toEqual(['machine', 'press', 'servo-press']);
    });

    it('refuses a model whose parent is missing or that would close a cycle, changing nothing', async () => {
      await expect(registry.upsertModel(press)).rejects.toMatchObject({ name: 'InputError', code: 'SF_MODEL_NOT_FOUND' });
      expect(await registry.listModels()).toEqual([]);
      for (const model of [machine, press, servoPress]) await registry.upsertModel(model);
      await expect(registry.upsertModel({ ...machine, extends: 'servo-press' })).rejects.toMatchObject({ name: 'InputError', code: 'SF_MODEL_CYCLE' });
      await expect(registry.upsertModel({ ...machine, extends: 'machine' })).rejects.toMatchObject({ name: 'InputError', code: 'SF_MODEL_CYCLE' });
      expect(await registry.getModel('machine')).toEqual(machine);
      expect((await registry.listModels()).length).toBe(3);
    });

    it('keeps assets in ISA-95 order under existing parents', async () => {
      await seedHierarchy();
      const cellSkipped = asset(`${line}/p4`, 'asset');
      await registry.upsertAsset(cellSkipped);
      const before = [...(await registry.listAssets())].sort(byPath);
      await expect(registry.upsertAsset(asset(`${line}/plant2`, 'site'))).rejects.toMatchObject({ name: 'InputError', code: 'SF_ASSET_INVALID' });
      await expect(registry.upsertAsset(asset(`${line}/p4/cell9`, 'cell'))).rejects.toMatchObject({ name: 'InputError', code: 'SF_ASSET_INVALID' });
      await expect(registry.upsertAsset(asset('acme/plant1/nowhere/line7', 'line'))).rejects.toMatchObject({ name: 'InputError', code: 'SF_ASSET_NOT_FOUND' });
      await expect(registry.upsertAsset(asset('plant9', 'site'))).rejects.toMatchObject({ name: 'InputError' });
      await expect(registry.upsertAsset(asset('acme/other', 'enterprise'))).rejects.toMatchObject({ name: 'InputError', code: 'SF_ASSET_INVALID' });
      await expect(registry.upsertAsset(asset('acme/plant1', 'line'))).rejects.toMatchObject({ name: 'InputError', code: 'SF_ASSET_INVALID' });
      expect([...(await registry.listAssets())].sort(byPath)).toEqual(before);
      expect(before).toEqual([...hierarchy, cellSkipped].sort(byPath));
      expect(await registry.getAsset(`${line}/p4`)).toEqual(cellSkipped);
      expect(await registry.getAsset(`${line}/p5`)).toBeUndefined();
    });

    it('lists the assets below a path', async () => {
      await seedHierarchy();
      await registry.upsertAsset(asset('acme/plant10', 'site'));
      const below = await registry.listAssets('acme/plant1');
      expect([...below].sort(byPath)).toEqual(hierarchy.slice(2));
    });

    it("creates a tag per measurement of an asset's model", async () => {
      await seedHierarchy();
      for (const model of [machine, press, servoPress]) await registry.upsertModel(model);
      const p4 = `${line}/p4`;
      await expect(registry.upsertAsset(asset(p4, 'asset', 'no-such-model'))).rejects.toMatchObject({ name: 'InputError', code: 'SF_MODEL_NOT_FOUND' });
      expect(await registry.listTags()).toEqual([]);
      const created = await registry.upsertAsset({ ...asset(p4, 'asset', 'servo-press'), attributes: { serial: 'SP-0042', tonnage: 400 } });
      const expected: Tag[] = [
        { path: `${p4}/force`, dataType: 'float', unit: 'kN', classification: 'confidential', asset: p4 },
        { path: `${p4}/position`, dataType: 'float', unit: 'mm', classification: 'internal', asset: p4 },
        { path: `${p4}/state`, dataType: 'string', classification: 'internal', asset: p4 },
        { path: `${p4}/temperature`, dataType: 'float', unit: 'K', classification: 'internal', asset: p4 },
      ];
      expect([...created].sort(byPath)).toEqual(expected);
      expect([...(await registry.listTags(`${p4}/#`))].sort(byPath)).toEqual(expected);
      await expect(registry.upsertAsset({ ...asset(`${line}/p5`, 'asset', 'press'), attributes: { tonnage: 'heavy' } })).rejects.toMatchObject({
        name: 'InputError',
      });
      expect(await registry.getAsset(`${line}/p5`)).toBeUndefined();
    });

    it('returns the tags of the model measurements as stored when an asset is upserted again, keeping source bindings', async () => {
      await seedHierarchy();
      await registry.upsertModel(machine);
      const p4 = `${line}/p4`;
      await registry.upsertAsset(asset(p4, 'asset', 'machine'));
      const bound: Tag = {
        path: `${p4}/temperature`,
        dataType: 'float',
        unit: '°C',
        classification: 'internal',
        asset: p4,
        source: { protocol: 'opc-ua', address: 'ns=2;s=P4.Temperature' },
      };
      await registry.upsertTags([bound]);
      await registry.upsertModel({
        ...machine,
        measurements: [{ name: 'state', dataType: 'string', description: 'Machine state' }, ...machine.measurements.slice(1)],
      });
      const now = await registry.upsertAsset({ ...asset(p4, 'asset', 'machine'), name: 'Press 4' });
      const expected: Tag[] = [bound, { path: `${p4}/state`, dataType: 'string', classification: 'internal', description: 'Machine state', asset: p4 }];
      expect([...now].sort(byPath)).toEqual(expected.sort(byPath));
      for (const tag of expected) expect(await registry.getTag(tag.path)).toEqual(tag);
    });

    it('adds only tags whose path is new, never overwriting a modelled tag', async () => {
      await seedHierarchy();
      await registry.upsertModel(machine);
      const p4 = `${line}/p4`;
      const modelled = await registry.upsertAsset(asset(p4, 'asset', 'machine'));
      const discovered = (path: string): Tag => ({ path, dataType: 'string', classification: 'public' });
      const vibration = discovered(`${p4}/vibration`);
      const added = await registry.addTags([discovered(`${p4}/temperature`), vibration, discovered(`${p4}/state`), { ...vibration, dataType: 'float' }]);
      expect(added).toEqual([vibration]);
      expect([...(await registry.listTags(`${p4}/#`))].sort(byPath)).toEqual([...modelled, vibration].sort(byPath));
      expect(await registry.addTags([{ ...vibration, dataType: 'int' }])).toEqual([]);
      expect(await registry.getTag(vibration.path)).toEqual(vibration);
      expect(await registry.addTags([])).toEqual([]);
      await expect(registry.addTags([discovered(`${p4}/speed`), discovered('acme//bad')])).rejects.toMatchObject({
        name: 'InputError',
        code: 'SF_TAG_PATH_INVALID',
      });
      expect(await registry.getTag(`${p4}/speed`)).toBeUndefined();
      const replaced: Tag = { ...vibration, dataType: 'float', unit: 'mm/s' };
      await registry.upsertTags([replaced]);
      expect(await registry.getTag(vibration.path)).toEqual(replaced);
    });

    it('lists tags by MQTT-style filter', async () => {
      const tags: Tag[] = ['a/b/c/temp', 'a/b/d/temp', 'a/x/c/temp', 'a/b/c/pressure', 'z/b'].map((path) => ({
        path,
        dataType: 'float',
        classification: 'internal',
      }));
      await registry.upsertTags(tags);
      const paths = async (filter?: string): Promise<string[]> => (await registry.listTags(filter)).map((tag) => tag.path).sort();
      expect(await paths('a/b/+/temp')).toEqual(['a/b/c/temp', 'a/b/d/temp']);
      expect(await paths('a/+/c/#')).toEqual(['a/b/c/pressure', 'a/b/c/temp', 'a/x/c/temp']);
      expect(await paths('a/#')).toEqual(['a/b/c/pressure', 'a/b/c/temp', 'a/b/d/temp', 'a/x/c/temp']);
      expect(await paths('a/b/c/temp')).toEqual(['a/b/c/temp']);
      expect(await paths('a/b')).toEqual([]);
      expect(await paths('#')).toEqual(tags.map((tag) => tag.path).sort());
      expect(await paths()).toEqual(tags.map((tag) => tag.path).sort());
      await expect(registry.listTags('a/#/b')).rejects.toMatchObject({ name: 'InputError', code: 'SF_TAG_FILTER_INVALID' });
    });

    it('round-trips tags with every optional field and updates them by path', async () => {
      await seedHierarchy();
      const tag: Tag = {
        path: `${line}/p4/oil-temp`,
        dataType: 'float',
        unit: '°C',
        classification: 'restricted',
        description: 'Hydraulic oil temperature',
        source: { protocol: 'modbus-tcp', address: '10.0.0.7:502/hr/40001' },
        asset: line,
      };
      await registry.upsertTags([tag]);
      expect(await registry.getTag(tag.path)).toEqual(tag);
      const changed: Tag = { path: tag.path, dataType: 'int', classification: 'public' };
      await registry.upsertTags([changed]);
      expect(await registry.getTag(tag.path)).toEqual(changed);
      expect(await registry.getTag(`${line}/p4/nothing`)).toBeUndefined();
    });

    it('refuses a batch of tags holding one bad tag and stores none of it', async () => {
      const good: Tag = { path: 'acme/plant1/ok', dataType: 'bool', classification: 'internal' };
      await expect(registry.upsertTags([good, { ...good, path: 'acme//bad' }])).rejects.toMatchObject({ name: 'InputError', code: 'SF_TAG_PATH_INVALID' });
      await expect(registry.upsertTags([good, { ...good, path: 'acme/plant1/orphan', asset: 'acme/none' }])).rejects.toMatchObject({ name: 'InputError' });
      expect(await registry.listTags()).toEqual([]);
    });
  });
}
