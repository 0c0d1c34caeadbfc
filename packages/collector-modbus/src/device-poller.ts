import { Backoff, type DeviceHealth, type Logger, type Pipeline } from '@shopfloor/engine';
import type { Point, SourceBinding } from '@shopfloor/model';
import { modbusDeviceDefaults, type ModbusDeviceConfig } from './config.ts';
import { decodeRegisters, scaleValue } from './decode.ts';
import { openModbusConnection, type ModbusConnection, type ReadOutcome } from './modbus-connection.ts';
import { planModbusReads, type ModbusReadGroup, type PlannedTag } from './read-plan.ts';

/** Counters of one device since start, for tests, metrics and benchmarks. */
export interface ModbusDeviceCounters {
  readonly id: string;
  /** Requests one poll of every tag takes (the read plan's size). */
  readonly groups: number;
  readonly requests: number;
  /** Good points submitted. */
  readonly points: number;
  /** Bad-quality points submitted (one per tag per transition to bad). */
  readonly badPoints: number;
  /** Polls finished (one per poll period that came due while connected, overruns excepted). */
  readonly polls: number;
  /** Polls skipped because the previous poll of the same period was still running. */
  readonly overruns: number;
  /** Polls skipped because the pipeline asked sources to slow down. */
  readonly throttled: number;
  readonly timeouts: number;
  readonly exceptions: number;
  readonly connectAttempts: number;
  /** Wall-clock duration of the last finished poll (all its requests, one after another). */
  readonly lastPollMs?: number;
}

export interface DevicePollerDeps {
  readonly pipeline: Pick<Pipeline, 'submit' | 'ready'>;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
}

/** Timeouts in a row after which the connection is taken for dead, closed and reopened. */
const timeoutsBeforeReconnect = 2;

interface TagState {
  readonly tag: PlannedTag;
  lastGood: number | boolean | undefined;
  bad: boolean;
  /** Its first point went in a payload of its own, carrying its source binding. */
  sourceSent: boolean;
}

interface GroupState {
  readonly group: ModbusReadGroup;
  readonly tags: readonly TagState[];
  failing: boolean;
}

interface Rate {
  readonly pollMs: number;
  readonly groups: readonly GroupState[];
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One Modbus TCP device: its connection, its poll timers (one per poll period) and the quality of
 * its tags. A failed read marks its group's tags bad, a lost connection all of them, each once at
 * the transition; a device that is down reconnects with back-off. Nothing here stops another device.
 */
export class DevicePoller {
  readonly id: string;
  readonly #device: ModbusDeviceConfig;
  readonly #deps: DevicePollerDeps;
  readonly #logger: Logger;
  readonly #rates: Rate[] = [];
  readonly #tags: TagState[] = [];
  readonly #backoff: Backoff;
  readonly #deviceSource: SourceBinding;
  readonly #counters: Mutable<ModbusDeviceCounters>;
  #state: 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed' = 'idle';
  #connection: ModbusConnection | undefined;
  #connecting: Promise<void> | undefined;
  readonly #closing = new Set<Promise<void>>();
  #reconnectTimer: NodeJS.Timeout | undefined;
  #nextAttemptAt: number | undefined;
  /** Whether the device answered its last request; undefined until it has been tried. */
  #answering: boolean | undefined;
  #consecutiveTimeouts = 0;
  #outbox: { point: Point; state: TagState }[] = [];
  #lastGoodReadAt: number | undefined;
  #errors = 0;
  #connects = 0;
  #lastError: string | undefined;

  constructor(device: ModbusDeviceConfig, deps: DevicePollerDeps) {
    this.id = device.id;
    this.#device = device;
    this.#deps = deps;
    this.#logger = deps.logger.child({ device: device.id });
    this.#backoff = new Backoff(device.backoff ?? modbusDeviceDefaults.backoff, deps.random);
    const port = device.port ?? modbusDeviceDefaults.port;
    this.#deviceSource = { protocol: 'modbus-tcp', address: `${device.host}:${port}/${device.unitId ?? modbusDeviceDefaults.unitId}` };
    const plan = planModbusReads(device);
    for (const group of plan) {
      const tags = group.tags.map((tag): TagState => ({ tag, lastGood: undefined, bad: false, sourceSent: false }));
      this.#tags.push(...tags);
      const state: GroupState = { group, tags, failing: false };
      const rate = this.#rates.find((candidate) => candidate.pollMs === group.pollMs);
      if (rate === undefined) this.#rates.push({ pollMs: group.pollMs, groups: [state] });
      else (rate.groups as GroupState[]).push(state);
    }
    this.#counters = {
      id: device.id,
      groups: plan.length,
      requests: 0,
      points: 0,
      badPoints: 0,
      polls: 0,
      overruns: 0,
      throttled: 0,
      timeouts: 0,
      exceptions: 0,
      connectAttempts: 0,
    };
  }

  start(): void {
    if (this.#state !== 'idle') return;
    for (const rate of this.#rates) rate.timer = setInterval(() => this.#tick(rate), rate.pollMs);
    this.#connecting = this.#connect();
  }

  health(): DeviceHealth {
    return {
      id: this.id,
      connected: this.#state === 'connected',
      ...(this.#lastGoodReadAt !== undefined ? { lastGoodReadAt: this.#lastGoodReadAt } : {}),
      errors: this.#errors,
      connects: this.#connects,
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
      ...(this.#state === 'waiting' && this.#nextAttemptAt !== undefined ? { nextAttemptAt: this.#nextAttemptAt } : {}),
    };
  }

  counters(): ModbusDeviceCounters {
    return { ...this.#counters };
  }

  /** Stops the timers, waits for reads in flight, closes the connection. Tags keep their quality. */
  async close(): Promise<void> {
    this.#state = 'closed';
    for (const rate of this.#rates) clearInterval(rate.timer);
    clearTimeout(this.#reconnectTimer);
    await this.#connecting;
    await Promise.all(this.#rates.flatMap((rate) => (rate.inFlight !== undefined ? [rate.inFlight] : [])));
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
    await Promise.all([...this.#closing]);
    this.#flush();
  }

  async #connect(): Promise<void> {
    this.#state = 'connecting';
    this.#nextAttemptAt = undefined;
    this.#counters.connectAttempts += 1;
    const device = this.#device;
    let connection: ModbusConnection;
    try {
      connection = await openModbusConnection(
        {
          host: device.host,
          port: device.port ?? modbusDeviceDefaults.port,
          unitId: device.unitId ?? modbusDeviceDefaults.unitId,
          timeoutMs: device.timeoutMs ?? modbusDeviceDefaults.timeoutMs,
        },
        (reason) => {
          if (this.#connection === connection) this.#lose(reason);
        },
      );
    } catch (error) {
      if (this.#closed()) return;
      this.#errors += 1;
      this.#down(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.#closed()) {
      await connection.close();
      return;
    }
    this.#connection = connection;
    this.#state = 'connected';
    this.#connects += 1;
    this.#consecutiveTimeouts = 0;
    this.#logger.debug('modbus connection open', { connects: this.#connects });
    for (const rate of this.#rates) this.#tick(rate);
  }

  /** A method, so the compiler does not narrow the state across an await. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  /** The connection is gone (closed by the device, or dropped after timeouts): close it, mark the tags bad, reconnect later. */
  #lose(reason: string): void {
    if (this.#state !== 'connected') return;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      const closing = connection.close();
      this.#closing.add(closing);
      void closing.finally(() => this.#closing.delete(closing));
    }
    this.#down(reason);
  }

  #down(reason: string): void {
    this.#state = 'waiting';
    this.#lastError = reason;
    const at = this.#deps.now();
    this.#markBad(this.#tags, at);
    this.#flush();
    if (this.#answering !== false) {
      const message = this.#answering === true ? 'modbus device lost; its tags are bad' : 'modbus device not reachable; its tags are bad';
      this.#logger.warn(message, { error: reason });
    } else {
      this.#logger.debug('modbus reconnect failed', { error: reason });
    }
    this.#answering = false;
    const delay = this.#backoff.next();
    this.#nextAttemptAt = at + delay;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connecting = this.#connect();
    }, delay);
  }

  #tick(rate: Rate): void {
    if (this.#state !== 'connected') return;
    if (rate.inFlight !== undefined) {
      this.#counters.overruns += 1;
      return;
    }
    if (!this.#deps.pipeline.ready) {
      this.#counters.throttled += 1;
      return;
    }
    const poll = this.#poll(rate);
    rate.inFlight = poll;
    void poll.finally(() => {
      if (rate.inFlight === poll) delete rate.inFlight;
    });
  }

  async #poll(rate: Rate): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined) return;
    const started = performance.now();
    for (const state of rate.groups) {
      if (this.#state !== 'connected' || this.#connection !== connection) break;
      const { table, start, count } = state.group;
      this.#counters.requests += 1;
      const outcome = await connection.read(table, start, count);
      if (!outcome.ok) this.#errors += 1;
      // Lost meanwhile (the device closed the connection): #lose has marked every tag.
      if (this.#connection !== connection) break;
      const at = this.#deps.now();
      if (outcome.ok) {
        this.#answered();
        this.#deliver(state, outcome, at);
        continue;
      }
      const where = `${table} ${start}–${start + count - 1}`;
      this.#lastError = `read ${where}: ${outcome.message}`;
      if (outcome.kind === 'closed') {
        this.#lose(outcome.message);
        break;
      }
      if (outcome.kind === 'timeout') {
        this.#counters.timeouts += 1;
        this.#consecutiveTimeouts += 1;
      } else {
        if (outcome.kind === 'exception') this.#counters.exceptions += 1;
        this.#answered();
      }
      if (!state.failing) {
        state.failing = true;
        this.#logger.warn('modbus read failed; its tags are bad', { table, start, count, error: outcome.message });
      }
      this.#markBad(state.tags, at);
      if (this.#consecutiveTimeouts >= timeoutsBeforeReconnect) {
        this.#lose(`no answer to ${this.#consecutiveTimeouts} requests in a row (timeout ${this.#device.timeoutMs ?? modbusDeviceDefaults.timeoutMs} ms)`);
        break;
      }
    }
    this.#counters.polls += 1;
    this.#counters.lastPollMs = performance.now() - started;
    this.#flush();
  }

  #answered(): void {
    this.#consecutiveTimeouts = 0;
    this.#backoff.reset();
    if (this.#answering !== true) {
      this.#logger.info('modbus device answering', { connects: this.#connects });
      this.#answering = true;
    }
  }

  #deliver(state: GroupState, outcome: Extract<ReadOutcome, { ok: true }>, at: number): void {
    const { group } = state;
    if (state.failing) {
      state.failing = false;
      this.#logger.info('modbus read recovered', { table: group.table, start: group.start, count: group.count });
    }
    for (const tagState of state.tags) {
      const tag = tagState.tag;
      const index = tag.address - group.start;
      let value: number | boolean;
      if ('bits' in outcome) value = outcome.bits[index] === true;
      else if (tag.type === 'bool')
        value = false; // never planned: bool lives in bit tables only
      else value = scaleValue(decodeRegisters(outcome.bytes, 2 * index, tag.type, tag.wordOrder, tag.byteOrder), tag.scale, tag.offset);
      tagState.lastGood = value;
      tagState.bad = false;
      this.#outbox.push({ point: { tag: tag.path, ts: at, value, quality: 'good' }, state: tagState });
    }
    this.#counters.points += state.tags.length;
    this.#lastGoodReadAt = at;
  }

  #markBad(tags: readonly TagState[], at: number): void {
    for (const state of tags) {
      if (state.bad) continue;
      state.bad = true;
      const value = state.lastGood ?? (state.tag.type === 'bool' ? false : 0);
      this.#outbox.push({ point: { tag: state.tag.path, ts: at, value, quality: 'bad' }, state });
      this.#counters.badPoints += 1;
    }
  }

  /** Submits what the poll produced: one payload, except a tag's first point, which goes alone with its source binding. */
  #flush(): void {
    if (this.#outbox.length === 0) return;
    const outbox = this.#outbox;
    this.#outbox = [];
    const batch: Point[] = [];
    for (const { point, state } of outbox) {
      if (state.sourceSent) {
        batch.push(point);
        continue;
      }
      state.sourceSent = true;
      this.#deps.pipeline.submit({ accepted: [point], rejected: [] }, undefined, state.tag.source);
    }
    if (batch.length > 0) this.#deps.pipeline.submit({ accepted: batch, rejected: [] }, undefined, this.#deviceSource);
  }
}
