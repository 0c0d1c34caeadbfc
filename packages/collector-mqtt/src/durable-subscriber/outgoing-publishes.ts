import type { IPubackPacket } from 'mqtt-packet';
import { UnavailableError } from '@shopfloor/model';
import type { MqttConnection } from './connection.ts';
import { describeReason } from './reason-codes.ts';

interface Outgoing {
  readonly topic: string;
  readonly payload: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Packet identifier kept for SUBSCRIBE, so it never collides with an outgoing PUBLISH. */
export const subscribePacketId = 0xffff;

/**
 * Publishes from the subscriber's own connection (small control messages, not bulk data). QoS 1
 * resolves on PUBACK; at most the broker's Receive Maximum are in flight, the rest wait in order.
 * Nothing is resent across connections: a publish still unacknowledged when the connection drops
 * is rejected, and the caller decides whether to publish again.
 */
export class OutgoingPublishes {
  #connection: MqttConnection | undefined;
  #quota = 0;
  readonly #inFlight = new Map<number, Outgoing>();
  readonly #waiting: Outgoing[] = [];
  #nextId = 1;

  attach(connection: MqttConnection, brokerReceiveMaximum: number): void {
    this.#connection = connection;
    this.#quota = brokerReceiveMaximum;
  }

  /** The connection is gone: rejects everything unacknowledged or waiting. */
  detach(error: Error): void {
    this.#connection = undefined;
    const pending = [...this.#inFlight.values(), ...this.#waiting.splice(0)];
    this.#inFlight.clear();
    for (const outgoing of pending) outgoing.reject(error);
  }

  publish(topic: string, payload: Buffer, qos: 0 | 1, notConnected: () => Error): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined) return Promise.reject(notConnected());
    if (qos === 0) {
      connection.send({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false });
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const outgoing = { topic, payload, resolve, reject };
      if (this.#inFlight.size < this.#quota) this.#send(connection, outgoing);
      else this.#waiting.push(outgoing);
    });
  }

  onPuback(packet: IPubackPacket): void {
    const outgoing = packet.messageId === undefined ? undefined : this.#inFlight.get(packet.messageId);
    if (outgoing === undefined || packet.messageId === undefined) return;
    this.#inFlight.delete(packet.messageId);
    const code = packet.reasonCode ?? 0;
    if (code < 0x80) outgoing.resolve();
    else {
      const reason = describeReason(code, packet.properties?.reasonString);
      outgoing.reject(new UnavailableError('SF_BROKER_UNAVAILABLE', `the broker refused a publish to "${outgoing.topic}": ${reason}`));
    }
    const next = this.#waiting.shift();
    if (next !== undefined && this.#connection !== undefined) this.#send(this.#connection, next);
  }

  #send(connection: MqttConnection, outgoing: Outgoing): void {
    const messageId = this.#allocateId();
    this.#inFlight.set(messageId, outgoing);
    connection.send({ cmd: 'publish', topic: outgoing.topic, payload: outgoing.payload, qos: 1, dup: false, retain: false, messageId });
  }

  #allocateId(): number {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = id >= subscribePacketId - 1 ? 1 : id + 1;
      if (!this.#inFlight.has(id)) return id;
    }
  }
}
