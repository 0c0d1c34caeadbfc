import type { DeviceHealth, Logger, Pipeline } from '@shopfloor/engine';
import type { TagPath } from '@shopfloor/model';
import { MessageSecurityMode, OPCUAClient, SecurityPolicy, type ClientSession, type ClientSubscription, type NotificationMessage } from 'node-opcua-client';
import { opcUaServerDefaults, type OpcUaServerConfig } from './config.ts';
import { monitorBindings } from './monitor-bindings.ts';
import { resolveBindings, type Binding, type BindingProblem } from './resolve-bindings.ts';
import { TagFeed } from './tag-feed.ts';

export interface ServerLinkDeps {
  readonly pipeline: Pipeline;
  readonly logger: Logger;
  readonly now: () => number;
}

/** How the first connection attempt went: the collector refuses to start on `missing` problems. */
export type FirstAttempt = { readonly connected: true; readonly missing: readonly BindingProblem[] } | { readonly connected: false; readonly error: string };

/** A bound tag as the collector sees it on its current (or last) session. */
export interface OpcUaBindingInfo {
  readonly server: string;
  readonly tag: TagPath;
  readonly nodeId: string;
  readonly origin: string;
}

/**
 * One OPC UA server: a client, one session, one subscription and its monitored items, and the
 * loop that rebuilds all of them after any fault. node-opcua's own reconnection is off
 * (`maxRetry: 0`): on a lost connection, a terminated subscription or a silent one, the tags are
 * marked bad once, the client is dropped, and after a back-off a new client connects, creates a
 * new session, resolves browse paths and browse roots again and subscribes again.
 */
export class OpcUaServerLink {
  readonly id: string;
  readonly #config: OpcUaServerConfig;
  readonly #at: string;
  readonly #deps: ServerLinkDeps;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly #health: { connected: boolean; errors: number; connects: number; lastError?: string; nextAttemptAt?: number } = {
    connected: false,
    errors: 0,
    connects: 0,
  };
  #closed = false;
  #loop: Promise<void> | undefined;
  #first: ((attempt: FirstAttempt) => void) | undefined;
  #client: OPCUAClient | undefined;
  #session: ClientSession | undefined;
  #subscription: ClientSubscription | undefined;
  /** Why the current connection ended; set once per connection. */
  #lostReason: string | undefined;
  #onLost: ((reason: string) => void) | undefined;
  #wake: (() => void) | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #lastHeardAt = 0;
  /** Bindings of the current (or last) session: the tags marked bad when it is lost. */
  #bindings: readonly Binding[] = [];
  #problems: readonly BindingProblem[] = [];
  #markedBad = true;
  readonly #feed: TagFeed;

  constructor(config: OpcUaServerConfig, at: string, deps: ServerLinkDeps) {
    this.id = config.id;
    this.#config = config;
    this.#at = at;
    this.#deps = deps;
    this.#logger = deps.logger.child({ server: config.id, endpointUrl: config.endpointUrl });
    this.#timeoutMs = config.timeoutMs ?? opcUaServerDefaults.timeoutMs;
    this.#backoff = config.backoff ?? opcUaServerDefaults.backoff;
    this.#feed = new TagFeed(config.endpointUrl, deps.pipeline, deps.now);
  }

  /** Starts the connection loop; resolves when the first attempt has connected and subscribed, or failed. */
  start(): Promise<FirstAttempt> {
    const first = new Promise<FirstAttempt>((resolve) => (this.#first = resolve));
    this.#loop = this.#run();
    return first;
  }

  health(): DeviceHealth {
    const health = this.#health;
    return {
      id: this.id,
      connected: health.connected,
      errors: health.errors,
      connects: health.connects,
      ...(this.#feed.lastGoodReadAt !== undefined ? { lastGoodReadAt: this.#feed.lastGoodReadAt } : {}),
      ...(health.lastError !== undefined ? { lastError: health.lastError } : {}),
      ...(health.nextAttemptAt !== undefined ? { nextAttemptAt: health.nextAttemptAt } : {}),
    };
  }

  bindings(): OpcUaBindingInfo[] {
    return this.#bindings.map((binding) => ({ server: this.id, tag: binding.tag, nodeId: binding.nodeId.toString(), origin: binding.origin }));
  }

  /** What the last resolution could not bind (missing nodes, unmappable browse names). */
  problems(): readonly BindingProblem[] {
    return this.#problems;
  }

  /** Deletes the subscription, closes the session and disconnects, in at most timeoutMs. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    const graceful = this.#health.connected;
    this.#lose('closing');
    await this.#teardown(graceful);
    await this.#loop;
    this.#health.connected = false;
    delete this.#health.nextAttemptAt;
  }

  async #run(): Promise<void> {
    let delayMs = this.#backoff.initialMs;
    let first = true;
    while (!this.#closed) {
      let failure: string | undefined;
      try {
        const missing = await this.#connect(first);
        if (first) {
          first = false;
          this.#first?.({ connected: true, missing });
          // The collector refuses to start with missing nodes and closes this link.
          if (missing.length > 0) return;
        }
        delayMs = this.#backoff.initialMs;
        const reason = await this.#untilLost();
        if (this.#closed) return;
        this.#connectionLost(reason);
      } catch (error) {
        if (this.#closed) return;
        failure = `connecting to ${this.#config.endpointUrl} failed: ${errorText(error)}`;
        this.#health.errors += 1;
        this.#health.lastError = failure;
        this.#health.connected = false;
        this.#logger.warn('OPC UA connection attempt failed', { error: errorText(error), retryInMs: delayMs });
      }
      const waitMs = Math.round(delayMs * (0.8 + Math.random() * 0.4));
      delayMs = Math.min(delayMs * 2, this.#backoff.maxMs);
      this.#health.nextAttemptAt = this.#deps.now() + waitMs;
      if (first && failure !== undefined) {
        first = false;
        this.#first?.({ connected: false, error: failure });
      }
      await this.#teardown(false);
      if (this.#closed) return;
      await this.#sleep(waitMs);
      delete this.#health.nextAttemptAt;
    }
  }

  /** One attempt: client, session, bindings, subscription, monitored items. Returns the missing nodes. */
  async #connect(first: boolean): Promise<BindingProblem[]> {
    const config = this.#config;
    this.#lostReason = undefined;
    const client = OPCUAClient.create({
      clientName: `shopfloor-${config.id}`,
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      // No reconnection inside node-opcua: this loop rebuilds everything after any fault.
      connectionStrategy: { maxRetry: 0, initialDelay: this.#backoff.initialMs, maxDelay: this.#backoff.maxMs },
      requestedSessionTimeout: 60_000,
      defaultTransactionTimeout: this.#timeoutMs,
      keepSessionAlive: false,
    });
    this.#client = client;
    client.on('connection_lost', () => client === this.#client && this.#lose('the connection was lost'));
    client.on(
      'close',
      (error?: Error | null) => client === this.#client && this.#lose(error ? `the connection closed: ${error.message}` : 'the connection closed'),
    );
    await withTimeout(client.connect(config.endpointUrl), this.#timeoutMs, `no answer within ${this.#timeoutMs} ms`);
    this.#throwIfEnded();
    const session = await client.createSession();
    this.#session = session;
    this.#throwIfEnded();

    const resolved = await resolveBindings(session, config, this.#at);
    this.#throwIfEnded();
    const missing = resolved.problems.filter((problem) => problem.kind === 'missing');
    this.#problems = resolved.problems;
    this.#reportProblems(resolved.problems);
    if (first && missing.length > 0) return missing;

    const publishingIntervalMs = config.publishingIntervalMs ?? opcUaServerDefaults.publishingIntervalMs;
    const keepAliveCount = Math.max(2, Math.ceil(this.#timeoutMs / publishingIntervalMs));
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: publishingIntervalMs,
      requestedMaxKeepAliveCount: keepAliveCount,
      requestedLifetimeCount: keepAliveCount * 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 0,
    });
    this.#subscription = subscription;
    const byHandle = this.#feed.reset();
    this.#lastHeardAt = performance.now();
    subscription.on('raw_notification', (message: NotificationMessage) => {
      if (subscription !== this.#subscription) return;
      this.#lastHeardAt = performance.now();
      this.#feed.notification(message);
    });
    subscription.on('terminated', () => subscription === this.#subscription && this.#lose('the server ended the subscription'));
    this.#throwIfEnded();

    const monitored = await monitorBindings(subscription, resolved.bindings, byHandle, () => this.#feed.matchEarly());
    this.#throwIfEnded();
    const created = new Set(byHandle.values());
    this.#bindings = resolved.bindings.filter((binding) => created.has(binding));
    if (monitored.refused.length > 0) {
      this.#health.errors += 1;
      this.#health.lastError = `the server refused ${monitored.refused.length} monitored items, e.g. ${describeBindings(monitored.refused)}`;
      this.#logger.error('OPC UA server refused monitored items', { count: monitored.refused.length, items: describeBindings(monitored.refused) });
    }
    if (monitored.withoutDeadband.length > 0) {
      this.#logger.warn('OPC UA deadband refused by the server; these items report every change', {
        count: monitored.withoutDeadband.length,
        items: describeBindings(monitored.withoutDeadband),
      });
    }
    this.#startWatchdog(subscription.publishingInterval * subscription.maxKeepAliveCount);
    this.#health.connected = true;
    this.#health.connects += 1;
    this.#markedBad = false;
    this.#logger.info('OPC UA server subscribed', {
      items: this.#bindings.length,
      publishingIntervalMs: subscription.publishingInterval,
      keepAliveMs: subscription.publishingInterval * subscription.maxKeepAliveCount,
      connects: this.#health.connects,
    });
    return [];
  }

  #reportProblems(problems: readonly BindingProblem[]): void {
    const missing = problems.filter((problem) => problem.kind === 'missing');
    const unmapped = problems.filter((problem) => problem.kind === 'unmapped');
    if (missing.length > 0) {
      this.#health.errors += 1;
      this.#health.lastError = missing.map((problem) => `${problem.origin}: ${problem.detail}`).join('; ');
      this.#logger.error('OPC UA nodes in the configuration were not found on the server', {
        problems: missing.map((problem) => `${problem.origin}: ${problem.detail}`),
      });
    }
    if (unmapped.length > 0) {
      this.#logger.warn('OPC UA browsed nodes that cannot become tags were skipped', {
        count: unmapped.length,
        problems: unmapped.slice(0, 20).map((problem) => `${problem.origin}: ${problem.detail}`),
      });
    }
  }

  #throwIfEnded(): void {
    if (this.#closed) throw new Error('the collector is closing');
    if (this.#lostReason !== undefined) throw new Error(this.#lostReason);
  }

  #untilLost(): Promise<string> {
    if (this.#lostReason !== undefined) return Promise.resolve(this.#lostReason);
    return new Promise((resolve) => (this.#onLost = resolve));
  }

  #lose(reason: string): void {
    if (this.#lostReason !== undefined) return;
    this.#lostReason = reason;
    const onLost = this.#onLost;
    this.#onLost = undefined;
    onLost?.(reason);
  }

  #connectionLost(reason: string): void {
    this.#health.connected = false;
    this.#health.errors += 1;
    this.#health.lastError = `connection to ${this.#config.endpointUrl} lost: ${reason}`;
    this.#logger.warn('OPC UA server connection lost; its tags are marked bad', { reason, tags: this.#bindings.length });
    // Once per loss: failed attempts after it do not mark again.
    if (this.#markedBad) return;
    this.#markedBad = true;
    this.#feed.markBad(this.#bindings);
  }

  #startWatchdog(keepAliveMs: number): void {
    const silenceLimitMs = 3 * keepAliveMs;
    const subscription = this.#subscription;
    this.#watchdog = setInterval(
      () => {
        if (subscription !== this.#subscription) return;
        const silentMs = performance.now() - this.#lastHeardAt;
        if (silentMs > silenceLimitMs) this.#lose(`no notification or keep-alive for ${Math.round(silentMs)} ms (limit ${silenceLimitMs} ms)`);
      },
      Math.max(50, Math.min(1_000, keepAliveMs / 4)),
    );
    this.#watchdog.unref();
  }

  /** Drops the client. Graceful: delete the subscription and close the session first. Bounded by timeoutMs in all. */
  async #teardown(graceful: boolean): Promise<void> {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    const client = this.#client;
    const session = this.#session;
    const subscription = this.#subscription;
    this.#client = undefined;
    this.#session = undefined;
    this.#subscription = undefined;
    this.#feed.reset();
    if (client === undefined) return;
    // One deadline for all steps; what node-opcua still does after it ends within its own request timeout.
    const deadline = performance.now() + this.#timeoutMs;
    const left = () => Math.max(0, deadline - performance.now());
    if (graceful && session !== undefined) {
      if (subscription !== undefined) await bounded(subscription.terminate(), left());
      await bounded(session.close(true), left());
    }
    await bounded(client.disconnect(), left());
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function describeBindings(entries: readonly { binding: Binding; status: string }[]): string {
  const shown = entries.slice(0, 5).map((entry) => `${entry.binding.tag} (${entry.binding.nodeId.toString()}): ${entry.status}`);
  return entries.length > shown.length ? `${shown.join(', ')} and ${entries.length - shown.length} more` : shown.join(', ');
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
}

/** Waits for the promise, at most `ms`; its failure is ignored (this is for shutting down). */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The promise, or a rejection with `message` after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined); // a late failure after the timeout is not unhandled
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
