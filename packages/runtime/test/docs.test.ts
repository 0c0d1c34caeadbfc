import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, rejectReasons } from '@shopfloor/model';
import { configKeysMarkdown, describeConfig } from '@shopfloor/runtime';
import { startTestNode, type NodeFixture } from './node-fixture.ts';

const doc = (name: string) => readFile(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

describe('docs that the code keeps honest', () => {
  let fixture: NodeFixture;
  beforeAll(async () => {
    fixture = await startTestNode();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('docs/errors.md lists exactly the codes in errorCodes', async () => {
    const documented = [...(await doc('errors.md')).matchAll(/^\| `(SF_\w+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...errorCodes].sort());
  });

  it('docs/payloads.md lists exactly the reject reasons', async () => {
    const documented = [...(await doc('payloads.md')).matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...rejectReasons].sort());
  });

  it('docs/config.md holds the generated key table (regenerate: npx shopfloor config keys)', async () => {
    const text = await doc('config.md');
    expect(text).toContain(configKeysMarkdown());
    expect(text).toContain(configKeysMarkdown('simulate'));
    expect(describeConfig().length).toBeGreaterThan(20);
  });

  it('docs/metrics.md lists exactly the shopfloor_ series a running node exports', async () => {
    const documented = [...(await doc('metrics.md')).matchAll(/^\| `(shopfloor_\w+)` \|/gm)].map((match) => match[1]);
    const scrape = (await fixture.api.get<string>('/metrics', null)).body;
    const exported = new Set(
      [...scrape.matchAll(/^# TYPE (shopfloor_\w+) /gm)].map((match) => match[1] as string).filter((name) => !name.startsWith('shopfloor_process_')),
    );
    expect(documented.sort()).toEqual([...exported].sort());
  });
});
