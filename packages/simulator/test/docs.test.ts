import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { faultKinds, machineTagCatalogue, machineTypes } from '../src/index.ts';

describe('docs/simulator.md', () => {
  it('lists exactly the tags of each machine type, with what is writable', async () => {
    const doc = await readFile(new URL('../../../docs/simulator.md', import.meta.url), 'utf8');
    for (const type of machineTypes) {
      const section = doc.split(`\n### ${type}\n`)[1]?.split('\n## ')[0]?.split('\n### ')[0] ?? '';
      const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` *\| (\w+) *\|[^|]*\|[^|]*\| *(yes)? *\|/gm)].map(
        (match) => `${match[1]} ${match[2]}${match[3] === 'yes' ? ' writable' : ''}`,
      );
      expect(rows, type).toEqual(machineTagCatalogue(type).map((tag) => `${tag.name} ${tag.dataType}${tag.writable ? ' writable' : ''}`));
    }
  });

  it('describes every fault kind', async () => {
    const doc = await readFile(new URL('../../../docs/simulator.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([a-z-]+)` *\| .* \| .* \|$/gm)]
      .map((match) => match[1])
      .filter((name) => (faultKinds as readonly (string | undefined)[]).includes(name));
    expect(documented).toEqual([...faultKinds]);
  });
});
