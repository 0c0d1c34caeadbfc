import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory per suite; `remove` deletes it with everything in it. */
export function tempDir(prefix: string): { readonly path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let files = 0;
  return {
    path,
    file: (name) => join(path, `${files++}-${name}`),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
