import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoPub } from '@shopfloor/testkit';
import { startTestNode, type NodeFixture } from './node-fixture.ts';

async function put(fixture: NodeFixture, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${fixture.node.apiUrl}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${fixture.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the data model through the API', () => {
  let fixture: NodeFixture;
  beforeAll(async () => {
    fixture = await startTestNode();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('builds an ISA-95 hierarchy with models that inherit, and creates the tags of model measurements', async () => {
    expect(
      (
        await put(fixture, '/api/v1/models/rotating', {
          name: 'Rotating machine',
          attributes: [{ name: 'ratedKw', dataType: 'float' }],
          measurements: [{ name: 'speed', dataType: 'float', unit: 'rpm' }],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await put(fixture, '/api/v1/models/pump', {
          name: 'Pump',
          extends: 'rotating',
          attributes: [],
          measurements: [{ name: 'flow', dataType: 'float', unit: 'm3/h', classification: 'public' }],
        })
      ).status,
    ).toBe(200);
    const resolved = await fixture.api.get<{ measurements: { name: string; unit: string }[]; attributes: { name: string }[] }>(
      '/api/v1/models/pump?resolved=true',
    );
    expect(resolved.body.measurements.map((measurement) => [measurement.name, measurement.unit])).toEqual([
      ['speed', 'rpm'],
      ['flow', 'm3/h'],
    ]);

    for (const [path, level] of [
      ['acme', 'enterprise'],
      ['acme/plant1', 'site'],
      ['acme/plant1/utilities', 'area'],
      ['acme/plant1/utilities/water', 'line'],
    ] as const) {
      expect((await put(fixture, `/api/v1/assets/${path}`, { level, name: path.split('/').pop() })).status).toBe(200);
    }
    const asset = await put(fixture, '/api/v1/assets/acme/plant1/utilities/water/p101', {
      level: 'asset',
      name: 'Pump 101',
      model: 'pump',
      attributes: { ratedKw: 15 },
    });
    expect([asset.status, asset.body['error']]).toEqual([200, undefined]);
    const tags = await fixture.api.get<{ tags: { path: string; unit: string; classification: string }[] }>(
      '/api/v1/tags?filter=acme/plant1/utilities/water/p101/%2B',
    );
    expect(tags.body.tags.map((tag) => [tag.path, tag.unit, tag.classification]).sort()).toEqual([
      ['acme/plant1/utilities/water/p101/flow', 'm3/h', 'public'],
      ['acme/plant1/utilities/water/p101/speed', 'rpm', 'internal'],
    ]);
    const line = await fixture.api.get<{ level: string; children: { path: string }[] }>('/api/v1/assets/acme/plant1/utilities/water');
    expect([line.body.level, line.body.children.map((child) => child.path)]).toEqual(['line', ['acme/plant1/utilities/water/p101']]);
  });

  it('refuses an inheritance cycle, an out-of-order level and a missing parent, naming the problem and changing nothing', async () => {
    await put(fixture, '/api/v1/models/a', { name: 'A', attributes: [], measurements: [] });
    await put(fixture, '/api/v1/models/b', { name: 'B', extends: 'a', attributes: [], measurements: [] });
    const cycle = await put(fixture, '/api/v1/models/a', { name: 'A', extends: 'b', attributes: [], measurements: [] });
    expect([cycle.status, (cycle.body['error'] as { code: string }).code]).toEqual([400, 'SF_MODEL_CYCLE']);
    expect((await fixture.api.get<{ extends?: string }>('/api/v1/models/a')).body.extends).toBeUndefined();

    const badLevel = await put(fixture, '/api/v1/assets/acme/plant1/utilities/water/site2', { level: 'site', name: 'nope' });
    expect([badLevel.status, (badLevel.body['error'] as { code: string }).code]).toEqual([400, 'SF_ASSET_INVALID']);
    const orphan = await put(fixture, '/api/v1/assets/nowhere/plant9', { level: 'site', name: 'orphan' });
    expect(orphan.status).toBe(400);
    expect((await fixture.api.get('/api/v1/assets/nowhere/plant9')).status).toBe(404);

    const badBody = await put(fixture, '/api/v1/models/c', { name: 'C', attributes: [], measurements: [{ name: 'x', dataType: 'decimal' }] });
    expect([badBody.status, (badBody.body['error'] as { code: string }).code]).toEqual([400, 'SF_BAD_REQUEST']);
    expect((await fixture.api.get('/api/v1/models/c')).status).toBe(404);
  });
});

describe('modelled tags and ingest', () => {
  it('with unknown tags refused, a tag declared by an asset model is ingested at once and keeps its metadata', async () => {
    const fixture = await startTestNode((config) => ({ ...config, pipeline: { ...config.pipeline, unknownTags: 'refuse' } }));
    try {
      await put(fixture, '/api/v1/models/motor', { name: 'Motor', attributes: [], measurements: [{ name: 'speed', dataType: 'float', unit: 'rpm' }] });
      for (const [path, level] of [
        ['acme', 'enterprise'],
        ['acme/p1', 'site'],
        ['acme/p1/a1', 'area'],
        ['acme/p1/a1/l1', 'line'],
      ] as const)
        await put(fixture, `/api/v1/assets/${path}`, { level, name: path });
      await put(fixture, '/api/v1/assets/acme/p1/a1/l1/m1', { level: 'asset', name: 'Motor 1', model: 'motor' });
      await mosquittoPub(fixture.mqttPort, 'acme/p1/a1/l1/m1/speed', '1480');
      await mosquittoPub(fixture.mqttPort, 'acme/p1/a1/l1/m1/unmodelled', '1');
      await fixture.api.until<{ points: unknown[] }>('/api/v1/latest?tag=acme/p1/a1/l1/m1/speed', (body) => body.points.length === 1);
      const ingest = await fixture.api.until<{ rejectedByReason: Record<string, number> }>(
        '/api/v1/ingest',
        (body) => body.rejectedByReason['unknown-tag'] === 1,
      );
      expect(ingest.rejectedByReason['unknown-tag']).toBe(1);
      const tag = await fixture.api.get<{ tags: { path: string; unit?: string; asset?: string }[] }>('/api/v1/tags?filter=acme/p1/a1/l1/m1/%2B');
      expect(tag.body.tags.map(({ path, unit, asset }) => ({ path, unit, asset }))).toEqual([
        { path: 'acme/p1/a1/l1/m1/speed', unit: 'rpm', asset: 'acme/p1/a1/l1/m1' },
      ]);
    } finally {
      await fixture.close();
    }
  });
});
