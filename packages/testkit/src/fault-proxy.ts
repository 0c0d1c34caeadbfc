import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * How a cut link behaves. `reset`: existing connections are reset and new ones are reset as soon as
 * they are accepted (the peer sees ECONNRESET at once). `blackhole`: nothing passes and nothing is
 * refused: existing connections hang, new ones are accepted and then never answered, as in a
 * network partition; peers notice only by their own timeouts and keep-alives.
 */
export type FaultMode = 'reset' | 'blackhole';

export interface FaultProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  /** Port to listen on (127.0.0.1); a free one when absent. */
  readonly port?: number;
}

export interface FaultProxyStats {
  /** Connections accepted from clients, in any state. */
  readonly accepted: number;
  /** Client connections currently relayed (or held in a blackhole). */
  readonly active: number;
  /** Connections reset on arrival while the link was cut in `reset` mode. */
  readonly refused: number;
  /** Connections accepted while cut in `blackhole` mode (held, never answered). */
  readonly blackholed: number;
  /** Times `cut` was called. */
  readonly cuts: number;
  readonly bytesToTarget: number;
  readonly bytesFromTarget: number;
}

export interface FaultProxy {
  readonly port: number;
  readonly host: string;
  /** `open`, or the mode of the current cut. */
  readonly state: 'open' | FaultMode;
  /** Cuts the link: see `FaultMode`. Cutting a cut link again switches its mode. */
  cut(mode?: FaultMode): void;
  /**
   * Heals the link. After a blackhole, connections whose both ends are still open resume and get
   * what was sent meanwhile (TCP retransmission after a partition heals); the others are reset.
   */
  restore(): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket | undefined;
  /** Data held while blackholed, per direction, in order. */
  readonly heldUp: Buffer[];
  readonly heldDown: Buffer[];
  ended: boolean;
}

/**
 * A TCP relay between clients and one target (a broker, nats-server) that can cut the link on
 * command, Toxiproxy-style, for fault tests on loopback.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let state: 'open' | FaultMode = 'open';
  const counts = { accepted: 0, refused: 0, blackholed: 0, cuts: 0, bytesToTarget: 0, bytesFromTarget: 0 };

  const destroy = (pair: Pair): void => {
    pair.ended = true;
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.upstream?.resetAndDestroy();
  };

  const relay = (client: Socket): void => {
    const upstream = connect({ host: options.target.host, port: options.target.port, allowHalfOpen: true });
    const pair: Pair = { client, upstream, heldUp: [], heldDown: [], ended: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (state === 'blackhole') pair.heldUp.push(chunk);
      else {
        counts.bytesToTarget += chunk.length;
        upstream.write(chunk);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (state === 'blackhole') pair.heldDown.push(chunk);
      else {
        counts.bytesFromTarget += chunk.length;
        client.write(chunk);
      }
    });
    // A graceful close is passed on as one, after the data sent before it; in a blackhole it is held.
    client.on('end', () => {
      if (state === 'blackhole') pair.ended = true;
      else upstream.end();
    });
    upstream.on('end', () => {
      if (state === 'blackhole') pair.ended = true;
      else client.end();
    });
    // An error resets the other side too; a clean close ends it gracefully (its pending writes still go out).
    const closed = (other: Socket) => (hadError: boolean) => {
      if (state === 'blackhole') pair.ended = true;
      else if (hadError) destroy(pair);
      else {
        other.end();
        if (client.destroyed && upstream.destroyed) pairs.delete(pair);
      }
    };
    client.on('error', () => undefined).on('close', closed(upstream));
    upstream.on('error', () => undefined).on('close', closed(client));
  };

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    counts.accepted++;
    client.on('error', () => undefined);
    if (state === 'reset') {
      counts.refused++;
      client.resetAndDestroy();
    } else if (state === 'blackhole') {
      counts.blackholed++;
      const pair: Pair = { client, upstream: undefined, heldUp: [], heldDown: [], ended: false };
      pairs.add(pair);
      client.on('close', () => (pair.ended = true));
    } else {
      relay(client);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    host: '127.0.0.1',
    get state() {
      return state;
    },
    cut(mode: FaultMode = 'reset') {
      counts.cuts++;
      state = mode;
      if (mode === 'reset') for (const pair of [...pairs]) destroy(pair);
    },
    restore() {
      const wasBlackhole = state === 'blackhole';
      state = 'open';
      if (!wasBlackhole) return;
      for (const pair of [...pairs]) {
        const { client, upstream } = pair;
        if (pair.ended || upstream === undefined || client.destroyed || upstream.destroyed) {
          destroy(pair);
          continue;
        }
        for (const chunk of pair.heldUp.splice(0)) {
          counts.bytesToTarget += chunk.length;
          upstream.write(chunk);
        }
        for (const chunk of pair.heldDown.splice(0)) {
          counts.bytesFromTarget += chunk.length;
          client.write(chunk);
        }
      }
    },
    stats() {
      return { ...counts, active: pairs.size };
    },
    async close() {
      for (const pair of [...pairs]) destroy(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
