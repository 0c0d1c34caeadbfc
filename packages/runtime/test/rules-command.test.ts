import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createSqlitePointStore, createSqliteRegistry, sqlitePointStoreDefaults } from '@shopfloor/store-sqlite';
import type { Point } from '@shopfloor/model';
import { addRulesCommand, readRules, renderRulesTest, testRules } from '../src/cli/rules-command.ts';

const t0 = Date.UTC(2026, 0, 1);
const flow101 = 'acme/plant1/utilities/water/p101/flow';
const flow102 = 'acme/plant1/utilities/water/p102/flow';
const temp = 'acme/plant1/utilities/water/p101/temp';

const rulesYaml = `
rules:
  - id: dry-run
    target: { model: pump, measurement: flow }
    type: threshold
    priority: high
    op: '<'
    limit: 1
    onDelayMs: 2000
  - id: hot
    target: { tags: 'acme/+/+/+/+/temp' }
    type: threshold
    priority: medium
    op: '>'
    limit: 80
    deadband: 5
  - id: silent
    target: { model: pump, measurement: flow }
    type: stale
    priority: low
    afterMs: 30000
`;

describe('shopfloor rules test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-rules-'));
  const rulesFile = join(dir, 'rules.yaml');
  beforeAll(async () => {
    const logger = createSilentLogger();
    const registry = await createSqliteRegistry({ file: join(dir, 'model.db') }, { logger });
    await registry.upsertModel({ id: 'rotating', name: 'Rotating', attributes: [], measurements: [{ name: 'flow', dataType: 'float' }] });
    await registry.upsertModel({ id: 'pump', name: 'Pump', extends: 'rotating', attributes: [], measurements: [{ name: 'temp', dataType: 'float' }] });
    await registry.upsertModel({ id: 'centrifugal', name: 'Centrifugal pump', extends: 'pump', attributes: [], measurements: [] });
    for (const [path, level] of [
      ['acme', 'enterprise'],
      ['acme/plant1', 'site'],
      ['acme/plant1/utilities', 'area'],
      ['acme/plant1/utilities/water', 'line'],
    ] as const)
      await registry.upsertAsset({ path, level, name: path, attributes: {} });
    await registry.upsertAsset({ path: 'acme/plant1/utilities/water/p101', level: 'asset', name: 'P101', model: 'centrifugal', attributes: {} });
    await registry.upsertAsset({ path: 'acme/plant1/utilities/water/p102', level: 'asset', name: 'P102', model: 'pump', attributes: {} });
    await registry.close();

    const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file: join(dir, 'points.db') }, { logger });
    const points: Point[] = [];
    // p101 flow: 5 at 0–9 s, 0 from 10 s to 19 s (dry run after 2 s: 12 s), 5 again at 20 s; then silent.
    for (let second = 0; second <= 20; second++)
      points.push({ tag: flow101, ts: t0 + second * 1_000, value: second >= 10 && second < 20 ? 0 : 5, quality: 'good' });
    // p102 flow: steady, never alarms.
    for (let second = 0; second <= 60; second += 10) points.push({ tag: flow102, ts: t0 + second * 1_000, value: 4, quality: 'good' });
    // p101 temp: 85 at 5 s (hot), 78 at 6 s (deadband holds), 74 at 7 s (clears).
    points.push(
      { tag: temp, ts: t0 + 5_000, value: 85, quality: 'good' },
      { tag: temp, ts: t0 + 6_000, value: 78, quality: 'good' },
      { tag: temp, ts: t0 + 7_000, value: 74, quality: 'good' },
      { tag: 'acme/plant1/utilities/water/p101/other', ts: t0, value: 99, quality: 'good' },
    );
    await store.write(points);
    await store.close();
    writeFileSync(rulesFile, rulesYaml);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays the stored history through every rule, with model rules on inherited models, and summarises per alarm', async () => {
    const window = { from: t0, to: t0 + 60_000 };
    const result = await testRules({ file: rulesFile, dataDir: dir, ...window });
    expect(result.tags).toEqual([flow101, temp, flow102]);
    expect(result.points).toBe(21 + 6 + 3); // the half-open window leaves out p102's point at 60 s
    expect(result.events.map((event) => [event.ts - t0, event.alarm.rule, event.alarm.tag, event.from, event.to, event.value])).toEqual([
      [5_000, 'hot', temp, 'normal', 'active-unacknowledged', 85],
      [7_000, 'hot', temp, 'active-unacknowledged', 'rtn-unacknowledged', 74],
      [12_000, 'dry-run', flow101, 'normal', 'active-unacknowledged', 0],
      [20_000, 'dry-run', flow101, 'active-unacknowledged', 'rtn-unacknowledged', 5],
      [50_000, 'silent', flow101, 'normal', 'active-unacknowledged', 5],
    ]);
    expect(result.summary.map((entry) => [entry.alarm.rule, entry.alarm.tag, entry.activations, entry.timeInAlarmMs])).toEqual([
      ['hot', temp, 1, 2_000],
      ['dry-run', flow101, 1, 8_000],
      ['silent', flow101, 1, 10_000],
    ]);
    const text = renderRulesTest(result, window);
    expect(text.split('\n').slice(0, 5)).toEqual([
      '3 rules, 3 tags, 30 points from 2026-01-01T00:00:00.000Z to 2026-01-01T00:01:00.000Z',
      '',
      'time                      alarm                                          transition                                  value',
      `2026-01-01T00:00:05.000Z  hot ${temp}      normal → active-unacknowledged              85`,
      `2026-01-01T00:00:07.000Z  hot ${temp}      active-unacknowledged → rtn-unacknowledged  74`,
    ]);
    expect(text).toContain(`dry-run ${flow101}  1            8.0 s          rtn-unacknowledged`);
  });

  it('tests one rule on one tag, from a node configuration', async () => {
    const config = join(dir, 'edge.yaml');
    writeFileSync(config, `node: { id: edge1 }\nalarms:\n${rulesYaml.replace(/^/gm, '  ')}`);
    const result = await testRules({ file: config, rule: 'dry-run', tag: flow101, dataDir: dir, from: t0, to: t0 + 15_000 });
    expect(result.events.map((event) => [event.ts - t0, event.to])).toEqual([[12_000, 'active-unacknowledged']]);
    expect(result.summary).toEqual([
      {
        alarm: { rule: 'dry-run', tag: flow101, asset: 'acme/plant1/utilities/water/p101' },
        activations: 1,
        timeInAlarmMs: 3_000,
        lastState: 'active-unacknowledged',
      },
    ]);
    await expect(testRules({ file: config, rule: 'hot', tag: flow101, dataDir: dir, from: t0, to: t0 + 1 })).rejects.toThrow(
      `none of the selected rules applies to tag "${flow101}"`,
    );
    await expect(testRules({ file: config, rule: 'nope', dataDir: dir, from: t0, to: t0 + 1 })).rejects.toThrow(
      `${config}: no rule "nope" (rules: dry-run, hot, silent)`,
    );
    await expect(testRules({ file: rulesFile, dataDir: join(dir, 'missing'), from: t0, to: t0 + 1 })).rejects.toThrow('no point store at');
  });

  it('refuses an invalid rules file, naming the file and key paths', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, "rules:\n  - { id: x, target: { tags: '#' }, type: threshold, priority: high, op: '=', limit: 1, offDelayMs: -1 }\n");
    expect(() => readRules(bad)).toThrow(
      `alarm rules are invalid (2 problems):\n${bad}: rules[0].op: expected ">" or ">=" or "<" or "<=", found string "="\n${bad}: rules[0].offDelayMs: expected a number >= 0, found number -1`,
    );
    writeFileSync(bad, 'something: else\n');
    expect(() => readRules(bad)).toThrow('no "rules" list (a rules file, or the top-level "rules" of a node configuration)');
  });

  it('runs as a command and prints JSON', async () => {
    const program = new Command('shopfloor').exitOverride();
    addRulesCommand(program);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['rules', 'test', rulesFile, '--rule', 'hot', '-d', dir, '--from', String(t0), '--to', String(t0 + 60_000), '--json'], {
        from: 'user',
      });
    } finally {
      spy.mockRestore();
    }
    const output = JSON.parse(written.join('')) as { tags: string[]; events: { to: string }[]; summary: { activations: number }[] };
    expect([output.tags, output.events.map((event) => event.to), output.summary.map((entry) => entry.activations)]).toEqual([
      [temp],
      ['active-unacknowledged', 'rtn-unacknowledged'],
      [1],
    ]);
  });
});
