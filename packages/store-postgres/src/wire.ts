import { connect, type Socket } from 'node:net';
import { parse, serialize } from 'pg-protocol';

/** Rows of one statement, every field as PostgreSQL's text or null. */
export type Rows = (string | null)[][];

interface Pending {
  readonly results: Rows[];
  rows: Rows;
  error: Error | undefined;
  readonly copy: Buffer | undefined;
  readonly resolve: (results: Rows[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A minimal PostgreSQL connection over the simple query protocol (trust authentication only),
 * with COPY FROM STDIN. One query at a time; `query` queues.
 */
export class WireConnection {
  readonly #socket: Socket;
  #pending: Pending | undefined;
  readonly #queue: (() => void)[] = [];
  #busy = false;
  #broken: Error | undefined;
  #backendPid = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async open(url: URL, applicationName = 'shopfloor'): Promise<WireConnection> {
    const socket = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) });
    socket.setNoDelay(true);
    const connection = new WireConnection(socket);
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error): void => reject(error);
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        resolve();
      });
    });
    const ready = new Promise<void>((resolve, reject) => {
      connection.#pending = {
        results: [],
        rows: [],
        error: undefined,
        copy: undefined,
        resolve: () => resolve(),
        reject,
      };
    });
    socket.on('error', (error) => connection.#fail(error));
    socket.on('close', () => connection.#fail(new Error('the connection to PostgreSQL was closed')));
    void parse(socket, (message) => connection.#onMessage(message));
    const user = decodeURIComponent(url.username) || 'postgres';
    const database = decodeURIComponent(url.pathname.slice(1)) || user;
    socket.write(serialize.startup({ user, database, client_encoding: 'UTF8', application_name: applicationName }));
    await ready;
    return connection;
  }

  get broken(): boolean {
    return this.#broken !== undefined;
  }

  get backendPid(): number {
    return this.#backendPid;
  }

  /** Runs one or more statements; resolves with the rows of each statement that returned rows. */
  query(text: string): Promise<Rows[]> {
    return this.#run(text, undefined);
  }

  /** Runs a `COPY … FROM STDIN` statement, sending `data` (COPY text format). */
  copyIn(text: string, data: Buffer): Promise<Rows[]> {
    return this.#run(text, data);
  }

  close(): void {
    if (this.#broken === undefined) this.#socket.end(serialize.end());
    this.#fail(new Error('the connection was closed by the store'));
  }

  async #run(text: string, copy: Buffer | undefined): Promise<Rows[]> {
    if (this.#busy) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#busy = true;
    try {
      if (this.#broken) throw this.#broken;
      return await new Promise<Rows[]>((resolve, reject) => {
        this.#pending = { results: [], rows: [], error: undefined, copy, resolve, reject };
        this.#socket.write(serialize.query(text));
      });
    } finally {
      this.#busy = false;
      this.#queue.shift()?.();
    }
  }

  #fail(error: Error): void {
    this.#broken ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(pending.error ?? error);
    this.#socket.destroy();
  }

  #onMessage(message: Message): void {
    const pending = this.#pending;
    switch (message.name) {
      case 'backendKeyData':
        this.#backendPid = message.processID ?? 0;
        return;
      case 'authenticationMD5Password':
      case 'authenticationCleartextPassword':
      case 'authenticationSASL':
        this.#fail(new Error('PostgreSQL asked for a password; only trust authentication is supported'));
        return;
      case 'dataRow':
        pending?.rows.push(message.fields ?? []);
        return;
      case 'rowDescription':
        if (pending) pending.rows = [];
        return;
      case 'commandComplete':
        if (pending && pending.rows.length > 0) pending.results.push(pending.rows);
        if (pending) pending.rows = [];
        return;
      case 'copyInResponse':
        if (pending?.copy === undefined) {
          this.#socket.write(serialize.copyFail('no data to copy'));
        } else {
          const chunk = 1 << 16;
          for (let offset = 0; offset < pending.copy.length; offset += chunk)
            this.#socket.write(serialize.copyData(pending.copy.subarray(offset, offset + chunk)));
          this.#socket.write(serialize.copyDone());
        }
        return;
      case 'error':
        if (pending) pending.error ??= message as unknown as Error;
        else this.#fail(message as unknown as Error);
        return;
      case 'readyForQuery':
        this.#pending = undefined;
        if (!pending) return;
        if (pending.error) pending.reject(pending.error);
        else pending.resolve(pending.results);
        return;
      default:
        return;
    }
  }
}

interface Message {
  readonly name: string;
  readonly processID?: number;
  readonly fields?: (string | null)[];
}

/** A SQL string literal (standard_conforming_strings on). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier, quoted. */
export function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A bounded pool of connections. */
export class WirePool {
  readonly #url: URL;
  readonly #size: number;
  readonly #applicationName: string;
  readonly #idle: WireConnection[] = [];
  readonly #waiters: ((connection: WireConnection | undefined) => void)[] = [];
  #open = 0;
  #closed = false;

  constructor(url: URL, size: number, applicationName: string) {
    this.#url = url;
    this.#size = size;
    this.#applicationName = applicationName;
  }

  async with<T>(work: (connection: WireConnection) => Promise<T>): Promise<T> {
    const connection = await this.#acquire();
    try {
      return await work(connection);
    } finally {
      this.#release(connection);
    }
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#idle.splice(0)) connection.close();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  async #acquire(): Promise<WireConnection> {
    if (this.#closed) throw new Error('the pool is closed');
    let idle = this.#idle.pop();
    while (idle?.broken) {
      this.#open--;
      idle = this.#idle.pop();
    }
    if (idle) return idle;
    if (this.#open < this.#size) {
      this.#open++;
      try {
        return await WireConnection.open(this.#url, this.#applicationName);
      } catch (error) {
        this.#open--;
        throw error;
      }
    }
    const connection = await new Promise<WireConnection | undefined>((resolve) => this.#waiters.push(resolve));
    if (connection === undefined) throw new Error('the pool is closed');
    return connection;
  }

  #release(connection: WireConnection): void {
    if (connection.broken || this.#closed) {
      this.#open--;
      connection.close();
      const waiter = this.#waiters.shift();
      if (waiter && !this.#closed) {
        this.#acquire().then(waiter, () => waiter(undefined));
      }
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(connection);
    else this.#idle.push(connection);
  }
}
