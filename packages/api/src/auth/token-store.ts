import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { InputError } from '@shopfloor/model';

export const roles = ['admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling. Users and finer roles plug in here later. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

export interface TokenVerifier {
  verify(token: string): Principal | undefined;
}

interface StoredToken {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  sha256: string;
  createdAt: string;
}

/**
 * API tokens kept as hashes in a JSON file. `ensureAdminToken` creates the first admin token on
 * first start and returns it (the only time it is ever seen).
 */
export class FileTokenStore implements TokenVerifier {
  readonly #file: string;
  #tokens: StoredToken[];

  constructor(file: string) {
    this.#file = file;
    this.#tokens = existsSync(file) ? readTokens(file) : [];
  }

  get count(): number {
    return this.#tokens.length;
  }

  /** Returns a new admin token if none exists yet, else undefined. */
  ensureAdminToken(): string | undefined {
    if (this.#tokens.some((token) => token.role === 'admin')) return undefined;
    return this.create('admin', 'admin');
  }

  create(name: string, role: Role): string {
    const id = randomBytes(6).toString('hex');
    const token = `sf_${id}_${randomBytes(24).toString('base64url')}`;
    this.#tokens.push({ id, name, role, sha256: sha256(token), createdAt: new Date().toISOString() });
    this.#save();
    return token;
  }

  verify(token: string): Principal | undefined {
    const match = /^sf_([0-9a-f]{12})_/.exec(token);
    if (match === null) return undefined;
    const stored = this.#tokens.find((candidate) => candidate.id === match[1]);
    if (stored === undefined) return undefined;
    const expected = Buffer.from(stored.sha256, 'hex');
    const actual = Buffer.from(sha256(token), 'hex');
    return timingSafeEqual(expected, actual) ? { tokenId: stored.id, name: stored.name, role: stored.role } : undefined;
  }

  #save(): void {
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, JSON.stringify({ tokens: this.#tokens }, null, 2), { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readTokens(file: string): StoredToken[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tokens?: unknown };
    if (!Array.isArray(parsed.tokens)) throw new Error('it has no "tokens" list');
    return parsed.tokens as StoredToken[];
  } catch (error) {
    throw new InputError(
      'SF_CONFIG_INVALID',
      `API token file "${file}" cannot be read: ${(error as Error).message}. Restore it from a backup, or delete it to create a new admin token on the next start.`,
      { cause: error },
    );
  }
}
