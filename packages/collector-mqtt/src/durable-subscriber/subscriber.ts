import type { IConnackPacket, IConnectPacket, IDisconnectPacket, ISubackPacket, Packet } from 'mqtt-packet';
import { Backoff, type Logger } from '@shopfloor/engine';
import { ProtocolError, UnavailableError, isShopfloorError } from '@shopfloor/model';
import { interpretConnack } from './connack.ts';
import { MqttConnection, type ConnectionClosed } from './connection.ts';
import type {
  DurableSubscriber,
  DurableSubscriberCounters,
  DurableSubscriberDeps,
  DurableSubscriberEvent,
  DurableSubscriberStatus,
} from './durable-subscriber.ts';
import { EventFeed } from './event-feed.ts';
import { InboundPublishes } from './inbound-publishes.ts';
import { resolveOptions, type DurableSubscriberOptions, type ResolvedOptions } from './options.ts';
import { OutgoingPublishes } from './outgoing-publishes.ts';
import { encodePubacks } from './puback.ts';
import { describeReason } from './reason-codes.ts';
import { subackProblems, subscribePacket } from './subscribe.ts';

/**
 * connecting ─CONNACK ok─▶ connected ─lost or abort()─▶ backoff ─timer─▶ connecting; CONNACK refused,
 * connect timeout or socket error while connecting ─▶ backoff; close() from any state ─▶ closed.
 * pause() is not a state: it holds every message back, in whatever state, until close().
 */
type State =
  | { readonly kind: 'connecting'; readonly connection: MqttConnection; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'connected'; readonly connection: MqttConnection; readonly since: number }
  | { readonly kind: 'backoff'; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'closed' };

const statusByState: Record<State['kind'], DurableSubscriberStatus> = {
  connecting: 'connecting',
  connected: 'connected',
  backoff: 'disconnected',
  closed: 'closed',
};

const disconnectTimeoutMs = 2_000;

/**
 * An MQTT 5 subscriber that acknowledges QoS 1 messages only when the application says they are
 * stored, in arrival order, without holding back the messages behind them (up to Receive Maximum).
 * Starts connecting at once and reconnects with backoff until closed.
 */
export function createDurableSubscriber(options: DurableSubscriberOptions, deps: DurableSubscriberDeps): DurableSubscriber {
  return new MqttDurableSubscriber(resolveOptions(options), deps);
}

class MqttDurableSubscriber implements DurableSubscriber {
  readonly counters: DurableSubscriberCounters = { messages: 0, redelivered: 0, acked: 0, reconnects: 0 };
  readonly #options: ResolvedOptions;
  readonly #logger: Logger;
  readonly #connectPacket: IConnectPacket;
  readonly #inbound: InboundPublishes;
  readonly #outgoing = new OutgoingPublishes();
  readonly #backoff: Backoff;
  readonly #feed = new EventFeed<DurableSubscriberEvent>();
  #state: State;
  #attempt = 0;
  #everConnected = false;
  /** The last connect failure logged, so a broker that stays down is logged once, not per attempt. */
  #lastFailure: string | undefined;
  #flushTimer: NodeJS.Immediate | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedOptions, deps: DurableSubscriberDeps) {
    this.#options = options;
    this.#logger = deps.logger.child({ part: 'durable-subscriber', url: options.url, clientId: options.clientId });
    this.#connectPacket = {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clean: false,
      clientId: options.clientId,
      keepalive: options.keepaliveSeconds,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
      properties: { sessionExpiryInterval: options.sessionExpirySeconds, receiveMaximum: options.receiveMaximum },
    };
    this.#inbound = new InboundPublishes(options.receiveMaximum, {
      onMessage: deps.onMessage,
      counters: this.counters,
      onReleasable: () => this.#scheduleFlush(),
      onHolding: () => this.#connection()?.pauseReading(),
      onAbort: (generation, reason) => {
        if (generation === this.#inbound.window.generation) this.abort(reason);
      },
    });
    this.#backoff = new Backoff(options.reconnect, deps.random);
    this.#state = this.#connect();
  }

  get status(): DurableSubscriberStatus {
    return statusByState[this.#state.kind];
  }

  events(): AsyncIterableIterator<DurableSubscriberEvent, undefined> {
    return this.#feed.iterate();
  }

  publish(topic: string, payload: string | Buffer, qos: 0 | 1): Promise<void> {
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    return this.#outgoing.publish(topic, bytes, qos, () => this.#unavailable(`not connected (status ${this.status})`));
  }

  abort(reason: string): void {
    const state = this.#state;
    if (state.kind !== 'connected') {
      this.#logger.debug('abort requested with no connection to drop', { reason, status: this.status });
      return;
    }
    const closed: ConnectionClosed = { reason: `aborted: ${reason}`, error: undefined };
    state.connection.destroy(closed.reason);
    // The transition happens now, not when the socket reports its close: from here on nothing of this
    // connection is handed over, acked or PUBACKed.
    this.#lost(state, closed, true);
  }

  pause(): void {
    if (this.#inbound.paused || this.#state.kind === 'closed') return;
    this.#inbound.pause();
    this.#connection()?.pauseReading();
    this.#logger.info('paused: no more messages are handed over; acks are still written', { held: this.#inbound.held });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  #connect(): State {
    this.#attempt++;
    const connection: MqttConnection = new MqttConnection(this.#options.host, this.#options.port, {
      onOpen: () => connection.send(this.#connectPacket),
      onPacket: (packet) => this.#onPacket(connection, packet),
      onClose: (closed) => this.#onClose(connection, closed),
    });
    const timeoutMs = this.#options.connectTimeoutMs;
    const timer = setTimeout(() => connection.destroy(`no CONNACK within ${timeoutMs} ms`), timeoutMs);
    this.#emit({ type: 'connecting', attempt: this.#attempt });
    return { kind: 'connecting', connection, timer };
  }

  #onPacket(connection: MqttConnection, packet: Packet): void {
    switch (packet.cmd) {
      case 'publish': {
        const problem = this.#inbound.handle(packet);
        if (problem !== undefined) this.#protocolError(connection, problem);
        return;
      }
      case 'puback':
        return this.#outgoing.onPuback(packet);
      case 'pingresp':
        return connection.pingAnswered();
      case 'connack':
        return this.#onConnack(connection, packet);
      case 'suback':
        return this.#onSuback(packet);
      case 'disconnect':
        return this.#onDisconnect(connection, packet);
      case 'auth': // we never ask for enhanced authentication
      case 'connect':
      case 'pingreq':
      case 'pubrec': // QoS 2 is never subscribed to nor published
      case 'pubrel':
      case 'pubcomp':
      case 'subscribe':
      case 'unsubscribe':
      case 'unsuback':
        return this.#protocolError(connection, `unexpected ${packet.cmd.toUpperCase()} packet`);
    }
  }

  #onConnack(connection: MqttConnection, packet: IConnackPacket): void {
    const state = this.#state;
    if (state.kind !== 'connecting') return this.#protocolError(connection, 'CONNACK on an established connection');
    const outcome = interpretConnack(packet, this.#options);
    if (!outcome.accepted) return connection.destroy(outcome.error.message, outcome.error);
    clearTimeout(state.timer);
    this.#state = { kind: 'connected', connection, since: Date.now() };
    if (this.#everConnected) this.counters.reconnects++;
    this.#everConnected = true;
    this.#attempt = 0;
    this.#lastFailure = undefined;
    connection.startKeepalive(outcome.keepaliveSeconds);
    this.#outgoing.attach(connection, outcome.brokerReceiveMaximum);
    connection.send(subscribePacket(this.#options.subscriptions));
    const generation = this.#inbound.window.generation;
    this.#logger.info('connected to the MQTT broker', { sessionPresent: outcome.sessionPresent, generation });
    this.#emit({ type: 'connected', sessionPresent: outcome.sessionPresent, generation });
  }

  #onSuback(packet: ISubackPacket): void {
    for (const problem of subackProblems(packet, this.#options.subscriptions, this.#options.url)) {
      if (problem.kind === 'refused') {
        this.#logger.error('subscription refused', { filter: problem.filter, error: problem.error.message });
        this.#emit({ type: 'subscribe-failed', filter: problem.filter, error: problem.error });
      } else {
        this.#logger.warn('subscription granted at QoS 0 only: its messages cannot be acknowledged after storage', {
          filter: problem.filter,
        });
      }
    }
  }

  #onDisconnect(connection: MqttConnection, packet: IDisconnectPacket): void {
    const reason = describeReason(packet.reasonCode ?? 0, packet.properties?.reasonString);
    connection.destroy(`the broker sent DISCONNECT: ${reason}`, this.#unavailable(`the broker disconnected us: ${reason}`));
  }

  #protocolError(connection: MqttConnection, problem: string): void {
    connection.send({ cmd: 'disconnect', reasonCode: 0x82 });
    connection.destroy(`protocol error: ${problem}`, new ProtocolError(`MQTT broker ${this.#options.url}: ${problem}`));
  }

  #onClose(connection: MqttConnection, closed: ConnectionClosed): void {
    const state = this.#state;
    if (state.kind === 'closed' || state.kind === 'backoff' || state.connection !== connection) return;
    this.#lost(state, closed, false);
  }

  /** The connection of `state` is gone (or being dropped): forget it and schedule the next attempt. */
  #lost(state: Extract<State, { kind: 'connecting' | 'connected' }>, closed: ConnectionClosed, aborted: boolean): void {
    const wasConnected = state.kind === 'connected';
    if (state.kind === 'connecting') clearTimeout(state.timer);
    if (state.kind === 'connected' && Date.now() - state.since >= this.#options.reconnect.maxMs) this.#backoff.reset();
    this.#forgetConnection(this.#unavailable(`the connection was lost before the broker acknowledged: ${closed.reason}`));
    const retryInMs = this.#backoff.next();
    this.#state = { kind: 'backoff', timer: setTimeout(() => (this.#state = this.#connect()), retryInMs) };
    this.#logClose(wasConnected, closed, retryInMs, aborted);
    this.#emit({ type: 'disconnected', reason: closed.reason, retryInMs, ...(closed.error === undefined ? {} : { error: closed.error }) });
  }

  #logClose(wasConnected: boolean, closed: ConnectionClosed, retryInMs: number, aborted: boolean): void {
    const meta = { reason: closed.reason, retryInMs };
    if (aborted) {
      this.#logger.warn('dropped the MQTT connection on request; unacknowledged messages will be redelivered', meta);
    } else if (wasConnected) {
      this.#logger.warn('lost the MQTT connection; unacknowledged messages will be redelivered', meta);
    } else if (closed.reason === this.#lastFailure) {
      this.#logger.debug('still cannot connect to the MQTT broker', { ...meta, attempt: this.#attempt });
    } else if (isShopfloorError(closed.error)) {
      this.#logger.error('the MQTT broker refused the connection', meta);
    } else {
      this.#logger.warn('cannot connect to the MQTT broker', meta);
    }
    this.#lastFailure = wasConnected ? undefined : closed.reason;
  }

  /** Pending acks, aliases and outgoing publishes belong to one connection. */
  #forgetConnection(error: Error): void {
    if (this.#flushTimer !== undefined) clearImmediate(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#inbound.reset();
    this.#outgoing.detach(error);
  }

  #scheduleFlush(): void {
    this.#flushTimer ??= setImmediate(() => {
      this.#flushTimer = undefined;
      this.#writePubacks();
      this.#deliverHeld();
    });
  }

  /** Acks made room: hand over messages held back by our own Receive Maximum guard (none while paused). */
  #deliverHeld(): void {
    const connection = this.#connection();
    if (connection === undefined || this.#inbound.held === 0) return;
    try {
      if (this.#inbound.deliverHeld()) connection.resumeReading();
    } catch (error) {
      connection.destroy(`the message handler threw: ${String(error)}`, error instanceof Error ? error : new Error(String(error)));
    }
  }

  #connection(): MqttConnection | undefined {
    const state = this.#state;
    return state.kind === 'connected' ? state.connection : undefined;
  }

  #writePubacks(): void {
    const packetIds = this.#inbound.window.takeReleased();
    const state = this.#state;
    if (packetIds.length === 0 || state.kind !== 'connected') return;
    if (state.connection.write(encodePubacks(packetIds))) this.counters.acked += packetIds.length;
  }

  async #shutdown(): Promise<void> {
    const state = this.#state;
    let socketClosed: Promise<void> = Promise.resolve();
    if (state.kind === 'connected') {
      this.#writePubacks(); // everything acked up to this call, even if its flush was not due yet
      state.connection.send({ cmd: 'disconnect', reasonCode: 0 });
      socketClosed = state.connection.end(disconnectTimeoutMs);
    } else if (state.kind !== 'closed') {
      clearTimeout(state.timer);
      if (state.kind === 'connecting') {
        state.connection.destroy('closed while connecting');
        socketClosed = state.connection.closed;
      }
    }
    this.#state = { kind: 'closed' };
    this.#forgetConnection(this.#unavailable('the subscriber was closed'));
    this.#logger.info('closed the MQTT subscriber; unacknowledged messages stay with the broker');
    this.#emit({ type: 'closed' });
    this.#feed.end();
    await socketClosed;
  }

  #unavailable(problem: string): UnavailableError {
    return new UnavailableError('SF_BROKER_UNAVAILABLE', `MQTT broker ${this.#options.url}, client "${this.#options.clientId}": ${problem}`);
  }

  #emit(event: DurableSubscriberEvent): void {
    this.#feed.push(event);
  }
}
