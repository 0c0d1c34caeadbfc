import type { MqttClient } from 'mqtt';

/** Counts QoS 1 messages awaiting their acknowledgement and lets callers wait until there are none. */
export class InFlightWaiters {
  #inFlight = 0;
  #waiting: (() => void)[] = [];

  get inFlight(): number {
    return this.#inFlight;
  }

  begin(): void {
    this.#inFlight++;
  }

  end(): void {
    this.#inFlight--;
    if (this.#inFlight === 0) for (const resolve of this.#waiting.splice(0)) resolve();
  }

  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** How long a closing publisher waits for acknowledgements before it drops the connection. */
const closeGraceMs = 5_000;

/**
 * Ends a client cleanly (DISCONNECT, so no Will) once `drained` resolves, or forcibly after a grace
 * period when the broker does not answer.
 */
export async function closeClient(client: MqttClient, drained: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), closeGraceMs)));
  const outcome = client.connected ? await Promise.race([drained().then(() => 'drained' as const), graceOver]) : 'timeout';
  clearTimeout(timer);
  await client.endAsync(outcome === 'timeout');
}

/** Resolves when the socket has handed every byte to the kernel, or the connection is gone. QoS 0 has no acknowledgement to wait for. */
export async function socketDrained(client: MqttClient): Promise<void> {
  while (client.connected && client.stream.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 2));
}
