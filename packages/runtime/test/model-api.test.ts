import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type NodeFixture } from './node-fixture.ts';

async function put(fixture: NodeFixture, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${fixture.node.apiUrl}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${fixture.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
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
    expect((await put(fixture, '/api/v1/models/rotating', { name: 'Rotating machine', attributes: [{ name: 'ratedKw', dataType: 'float' }], measurements: [{ name: 'speed', dataType: 'float', unit: 'rpm' }] })).status).toBe(200);
    expect(
      (await put(fixture, '/api/v1/models/pump', { name: 'Pump', extends: 'rotating', attributes: [], measurements: [{ name: 'flow', dataType: 'float', unit: 'm3/h', classification: 'public' }] })).status,
    ).toBe(200);
    const resolved = await fixture.api.get<{ measurements: { name: string; unit: string }[]; attributes: { name: string }[] }>('/api/v1/models/pump?resolved=true');
    expect(resolved.body.measurements.map((measurement) => [measurement.name, measurement.unit])).toEqual([
      ['speed', 'rpm'],
      ['flow', 'm3/h'],
    ]);

    for (const [path, level] of [['acme', 'enterprise'], ['acme/plant1', 'site'], ['acme/plant1/utilities', 'area'], ['acme/plant1/utilities/water', 'line']] as const) {
      expect((await put(fixture, `/api/v1/assets/${path}`, { level, name: path.split('/').pop() })).status).toBe(200);
    }
    const asset = await put(fixture, "/api/v1/assets/acme/plant1/utilities/water/p101", { level: "asset", name: "Pump 101", model: "pump", attributes: { ratedKw: 15 } });
    expect([asset.status, asset.body["error"]]).toEqual([200, undefined]);
    const tags = await fixture.api.get<{ tags: { path: string; unit: string; classification: string }[] }>('/api/v1/tags?filter=acme/plant1/utilities/water/p101/%2B');
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
