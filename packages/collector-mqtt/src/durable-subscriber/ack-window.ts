/**
 * Ordered acknowledgement of incoming QoS 1 PUBLISHes (MQTT 5 §4.6, [MQTT-4.6.0-2]: PUBACKs go out
 * in the order the PUBLISHes arrived). Each tracked message gets a sequence number; `ack` marks it,
 * and the longest acked prefix is released as packet identifiers ready for PUBACK. A message acked
 * ahead of an older one waits until the older one is acked.
 *
 * A ring buffer indexed by sequence number keeps this O(1) per message without allocation; it grows
 * if the broker sends more than the advertised Receive Maximum. `reset()` starts a new connection
 * generation: everything pending is forgotten (the broker redelivers it in the next session) and
 * acks carrying an older generation are ignored.
 */
export class AckWindow {
  #ids: Uint16Array;
  #acked: Uint8Array;
  #mask: number;
  /** Sequence number of the oldest message not yet released. */
  #head = 0;
  /** Sequence number the next tracked message gets. */
  #tail = 0;
  #generation = 0;
  #released: number[] = [];
  readonly #onReleasable: () => void;

  /** `onReleasable` runs when released packet identifiers become available after none were. */
  constructor(expectedInFlight: number, onReleasable: () => void = () => undefined) {
    const capacity = ringCapacity(expectedInFlight);
    this.#ids = new Uint16Array(capacity);
    this.#acked = new Uint8Array(capacity);
    this.#mask = capacity - 1;
    this.#onReleasable = onReleasable;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Messages tracked and not yet released. */
  get pending(): number {
    return this.#tail - this.#head;
  }

  /** Starts tracking one QoS 1 PUBLISH in arrival order; returns its sequence number. */
  track(packetId: number): number {
    if (this.#tail - this.#head > this.#mask) this.#grow();
    const seq = this.#tail++;
    this.#ids[seq & this.#mask] = packetId;
    return seq;
  }

  /** Marks a message acknowledged. Stale generations, repeats and released messages are ignored. */
  ack(generation: number, seq: number): void {
    if (generation !== this.#generation || seq < this.#head || seq >= this.#tail) return;
    const mask = this.#mask;
    this.#acked[seq & mask] = 1;
    if (seq !== this.#head) return;
    const wasEmpty = this.#released.length === 0;
    let head = this.#head;
    while (head < this.#tail && this.#acked[head & mask] === 1) {
      this.#acked[head & mask] = 0;
      this.#released.push(this.#ids[head & mask] as number);
      head++;
    }
    this.#head = head;
    if (wasEmpty) this.#onReleasable();
  }

  /** Takes the packet identifiers ready for PUBACK, in arrival order. */
  takeReleased(): number[] {
    const released = this.#released;
    if (released.length > 0) this.#released = [];
    return released;
  }

  /** Forgets everything pending and released; acks of the previous generation become no-ops. */
  reset(): number {
    this.#acked.fill(0);
    this.#head = 0;
    this.#tail = 0;
    this.#released = [];
    return ++this.#generation;
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const ids = new Uint16Array(capacity);
    const acked = new Uint8Array(capacity);
    const mask = capacity - 1;
    for (let seq = this.#head; seq < this.#tail; seq++) {
      ids[seq & mask] = this.#ids[seq & this.#mask] as number;
      acked[seq & mask] = this.#acked[seq & this.#mask] as number;
    }
    this.#ids = ids;
    this.#acked = acked;
    this.#mask = mask;
  }
}

function ringCapacity(expected: number): number {
  let capacity = 16;
  while (capacity < expected) capacity *= 2;
  return capacity;
}
