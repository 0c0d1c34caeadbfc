import type { IPublishPacket } from 'mqtt-packet';
import { AckWindow } from './ack-window.ts';
import type { DurableSubscriberCounters, MessageHandler } from './durable-subscriber.ts';

const noAck = (): void => undefined;
const noAbort = (_reason: string): void => undefined;

interface Held {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
  readonly packetId: number;
}

export interface InboundDeps {
  readonly onMessage: MessageHandler;
  readonly counters: DurableSubscriberCounters;
  readonly onReleasable: () => void;
  /** The first message was held back: reading should stop. */
  readonly onHolding: () => void;
  /** A handler asked to drop the connection of `generation`. */
  readonly onAbort: (generation: number, reason: string) => void;
}

/**
 * The hot path: one incoming PUBLISH → topic (through the connection's alias table), ack bookkeeping
 * for QoS 1, then the application's handler. Returns a protocol problem instead of throwing.
 *
 * It also enforces Receive Maximum itself: Mosquitto 2.0.11 stops at Receive Maximum only until the
 * first PUBACK, then sends up to another Receive Maximum per in-order PUBACK (eclipse-mosquitto/
 * mosquitto#2301, `db__message_delete_outgoing`). Messages beyond the limit are held, in order,
 * and `onHolding` asks the connection to stop reading; `deliverHeld` hands them over as acks free room.
 * Once `pause()` is called every message is held and `deliverHeld` hands over nothing.
 */
export class InboundPublishes {
  readonly window: AckWindow;
  readonly #limit: number;
  readonly #onMessage: MessageHandler;
  readonly #counters: DurableSubscriberCounters;
  readonly #onHolding: () => void;
  readonly #onAbort: (generation: number, reason: string) => void;
  readonly #aliases = new Map<number, string>();
  #held: Held[] = [];
  #paused = false;
  /** One abort function per connection generation, shared by all its QoS 1 messages. */
  #abort: (reason: string) => void;

  constructor(receiveMaximum: number, deps: InboundDeps) {
    this.window = new AckWindow(receiveMaximum, deps.onReleasable);
    this.#limit = receiveMaximum;
    this.#onMessage = deps.onMessage;
    this.#counters = deps.counters;
    this.#onHolding = deps.onHolding;
    this.#onAbort = deps.onAbort;
    this.#abort = this.#abortFor(this.window.generation);
  }

  /** Messages received but not yet handed to the application. */
  get held(): number {
    return this.#held.length;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** From now on every message is held, and held messages are not handed over. */
  pause(): void {
    this.#paused = true;
  }

  /** A new connection: pending acks, held messages and topic aliases of the old one are forgotten. Returns the new generation. */
  reset(): number {
    this.#aliases.clear();
    this.#held = [];
    const generation = this.window.reset();
    this.#abort = this.#abortFor(generation);
    return generation;
  }

  handle(packet: IPublishPacket): string | undefined {
    let topic = packet.topic;
    const alias = packet.properties?.topicAlias;
    if (alias !== undefined) {
      if (topic.length > 0) this.#aliases.set(alias, topic);
      else {
        const known = this.#aliases.get(alias);
        if (known === undefined) return `PUBLISH used topic alias ${alias} before defining it`;
        topic = known;
      }
    }
    const qos = packet.qos;
    if (qos === 2 || (qos === 1 && packet.messageId === undefined)) return `PUBLISH with QoS ${qos} and packet id ${packet.messageId}`;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const counters = this.#counters;
    counters.messages++;
    if (packet.dup) counters.redelivered++;
    if (this.#held.length > 0 || this.#paused || this.window.pending >= this.#limit) {
      if (this.#held.push({ topic, payload, qos, packetId: packet.messageId ?? 0 }) === 1) this.#onHolding();
    } else {
      this.#deliver(topic, payload, qos, packet.messageId ?? 0);
    }
    return undefined;
  }

  /** Hands held messages over while there is room (none while paused); true when none are left. */
  deliverHeld(): boolean {
    const held = this.#held;
    let taken = 0;
    while (!this.#paused && taken < held.length && this.window.pending < this.#limit) {
      const message = held[taken++] as Held;
      this.#deliver(message.topic, message.payload, message.qos, message.packetId);
      if (this.#held !== held) return false; // the handler's throw, an abort or a reset replaced the list
    }
    held.splice(0, taken);
    return held.length === 0;
  }

  #deliver(topic: string, payload: Buffer, qos: 0 | 1, packetId: number): void {
    if (qos === 0) {
      this.#onMessage(topic, payload, noAck, 0, noAbort);
      return;
    }
    const window = this.window;
    const seq = window.track(packetId);
    const generation = window.generation;
    this.#onMessage(topic, payload, () => window.ack(generation, seq), 1, this.#abort);
  }

  #abortFor(generation: number): (reason: string) => void {
    const onAbort = this.#onAbort;
    return (reason) => onAbort(generation, reason);
  }
}
