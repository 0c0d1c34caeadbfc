import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Logger } from '@shopfloor/engine';

/** A configuration document with the version the hub gave it (0: the node's own file). */
export interface VersionedDocument<T> {
  readonly version: number;
  readonly document: T;
}

export interface ApplyReply {
  readonly ok: boolean;
  /** The version running after the attempt. */
  readonly version: number;
  readonly error?: string;
}

/**
 * The edge's configuration as pushed by its hub: versioned, applied atomically, rolled back when
 * invalid, and kept in `<dataDir>/hub-config.json` so a restart runs the last accepted version.
 *
 * `apply` validates (refusing a version not newer than the running one), then activates: the
 * activation builds the new collectors, processors and rules and swaps them in, or throws and
 * leaves the old ones running. Only an activated version is written to disk.
 */
export class ConfigFromHub<T> {
  readonly #file: string;
  readonly #logger: Logger;
  #current: VersionedDocument<T>;
  #busy: Promise<unknown> = Promise.resolve();

  constructor(file: string, initial: VersionedDocument<T>, logger: Logger) {
    this.#file = file;
    this.#current = initial;
    this.#logger = logger;
  }

  get version(): number {
    return this.#current.version;
  }

  get document(): T {
    return this.#current.document;
  }

  /**
   * The last version the hub pushed and this edge accepted, if any and if it is still valid under
   * this build's schema (`check` returns the problems); else undefined and the node's own file rules.
   */
  static stored<T>(file: string, check: (document: unknown) => string | undefined, logger: Logger): VersionedDocument<T> | undefined {
    if (!existsSync(file)) return undefined;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; document?: unknown };
      if (typeof parsed.version !== 'number' || !Number.isInteger(parsed.version) || parsed.version < 1) throw new Error('no valid version');
      const problem = check(parsed.document);
      if (problem !== undefined) throw new Error(problem);
      return { version: parsed.version, document: parsed.document as T };
    } catch (error) {
      logger.error('the stored configuration from the hub is unusable; running the configuration file instead', {
        file,
        error: (error as Error).message,
      });
      return undefined;
    }
  }

  /** One push at a time, in arrival order. */
  apply(version: number, document: unknown, validate: (document: unknown) => T, activate: (document: T) => Promise<void>): Promise<ApplyReply> {
    const run = this.#busy.then(() => this.#apply(version, document, validate, activate));
    this.#busy = run.catch(() => undefined);
    return run;
  }

  async #apply(version: number, document: unknown, validate: (document: unknown) => T, activate: (document: T) => Promise<void>): Promise<ApplyReply> {
    const running = this.#current.version;
    if (!Number.isInteger(version) || version <= running) {
      return { ok: false, version: running, error: `version ${version} is not newer than the running version ${running}` };
    }
    let valid: T;
    try {
      valid = validate(document);
    } catch (error) {
      this.#logger.warn('refused a configuration from the hub', { version, error: (error as Error).message });
      return { ok: false, version: running, error: (error as Error).message };
    }
    try {
      await activate(valid);
    } catch (error) {
      this.#logger.error('a configuration from the hub failed to start; the previous one keeps running', { version, error: (error as Error).message });
      return { ok: false, version: running, error: `activating version ${version} failed: ${(error as Error).message}` };
    }
    this.#current = { version, document: valid };
    writeDurably(this.#file, JSON.stringify({ version, document: valid }, null, 2));
    this.#logger.info('applied a configuration from the hub', { version, previous: running });
    return { ok: true, version };
  }
}

/** Write to a temporary file, fsync, rename over the target: a crash leaves the old or the new file, never half of one. */
function writeDurably(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
