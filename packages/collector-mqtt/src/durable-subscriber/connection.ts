import { connect as connectSocket, type Socket } from 'node:net';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';

const packetOptions = { protocolVersion: 5 } as const;

export interface ConnectionClosed {
  /** Why the connection ended, in words for a log line. */
  readonly reason: string;
  readonly error: Error | undefined;
}

export interface ConnectionHandlers {
  /** TCP is up: time to send CONNECT. */
  onOpen(): void;
  /** One decoded packet; never called after `destroy`. */
  onPacket(packet: Packet): void;
  /** Called exactly once, when the socket has closed for any reason. */
  onClose(closed: ConnectionClosed): void;
}

/**
 * One TCP connection to the broker speaking MQTT 5 through mqtt-packet: decodes incoming bytes into
 * packets, writes packets, and runs the keepalive (PINGREQ every period, also while reading is
 * paused, so the broker keeps the connection; the connection counts as dead when a whole period
 * passes after a PINGREQ with no byte received while we were reading).
 */
export class MqttConnection {
  readonly #socket: Socket;
  #destroyedReason: string | undefined;
  #socketError: Error | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #pingOutstanding = false;
  #receivedSincePing = false;
  #readingPaused = false;
  /** Settles once the socket has closed and `onClose` has run. */
  readonly closed: Promise<void>;

  constructor(host: string, port: number, handlers: ConnectionHandlers) {
    const socket = connectSocket({ host, port });
    this.#socket = socket;
    socket.setNoDelay(true);
    const parser = createParser(packetOptions);
    parser.on('packet', (packet: Packet) => {
      if (this.#destroyedReason === undefined) handlers.onPacket(packet);
    });
    parser.on('error', (error: Error) => this.destroy(`malformed packet from the broker: ${error.message}`, error));
    socket.on('connect', () => handlers.onOpen());
    socket.on('data', (chunk: Buffer) => {
      this.#receivedSincePing = true;
      try {
        parser.parse(chunk);
      } catch (error) {
        this.destroy(`handling a packet failed: ${String(error)}`, error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => (this.#socketError ??= error));
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#stopKeepalive();
        const error = this.#socketError;
        const reason = this.#destroyedReason ?? (error === undefined ? 'the broker closed the connection' : error.message);
        handlers.onClose({ reason, error });
        resolve();
      });
    });
  }

  /** Encodes and writes one packet (a no-op once the socket is gone). */
  send(packet: Packet): void {
    if (this.#socket.writable) this.#socket.write(generate(packet, packetOptions));
  }

  /** Writes bytes that are already encoded packets; false when the socket is gone and nothing was written. */
  write(bytes: Buffer): boolean {
    if (!this.#socket.writable) return false;
    this.#socket.write(bytes);
    return true;
  }

  startKeepalive(seconds: number): void {
    this.#stopKeepalive();
    if (seconds === 0) return;
    this.#keepaliveTimer = setInterval(() => this.#keepaliveTick(seconds), seconds * 1_000);
  }

  /** Stops reading from the socket (TCP pushes back on the broker) until `resumeReading`. */
  pauseReading(): void {
    this.#readingPaused = true;
    this.#socket.pause();
  }

  resumeReading(): void {
    this.#readingPaused = false;
    this.#socket.resume();
  }

  /** PINGRESP arrived. */
  pingAnswered(): void {
    this.#pingOutstanding = false;
  }

  /**
   * Half-closes after what was written and resolves once the socket has closed (forced after
   * `timeoutMs`). Reading resumes (packets are dropped from now on) so that the broker's close is seen
   * and nothing unread is left: closing a socket with unread data sends a reset, which can discard
   * what we wrote last (PUBACKs, DISCONNECT).
   */
  end(timeoutMs: number): Promise<void> {
    this.#destroyedReason ??= 'closed by us';
    this.#stopKeepalive();
    this.#readingPaused = false;
    this.#socket.resume();
    this.#socket.end();
    const timer = setTimeout(() => this.#socket.destroy(), timeoutMs);
    return this.closed.finally(() => clearTimeout(timer));
  }

  /** Drops the connection at once; the first reason given is the one reported to `onClose`. */
  destroy(reason: string, error?: Error): void {
    this.#destroyedReason ??= reason;
    if (error !== undefined) this.#socketError ??= error;
    this.#stopKeepalive();
    this.#socket.destroy();
  }

  #keepaliveTick(seconds: number): void {
    // While we hold reading back, silence proves nothing.
    if (this.#pingOutstanding && !this.#receivedSincePing && !this.#readingPaused) {
      this.destroy(`no PINGRESP and no data within ${seconds} s (keepalive): connection presumed dead`);
      return;
    }
    this.#pingOutstanding = true;
    this.#receivedSincePing = false;
    this.send({ cmd: 'pingreq' });
  }

  #stopKeepalive(): void {
    if (this.#keepaliveTimer !== undefined) clearInterval(this.#keepaliveTimer);
    this.#keepaliveTimer = undefined;
  }
}
