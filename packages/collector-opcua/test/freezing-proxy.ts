import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP proxy that can go silent: frozen, it drops every byte both ways and keeps the sockets open (a network partition, not a closed port). */
export interface FreezingProxy {
  readonly port: number;
  freeze(): void;
  /** Forwards again; connections that lived through the freeze are cut (their streams lost bytes). */
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  let frozen = false;
  const pairs = new Set<{ client: Socket; upstream: Socket | undefined; froze: boolean }>();
  const server = createServer((client) => {
    const pair: { client: Socket; upstream: Socket | undefined; froze: boolean } = { client, upstream: undefined, froze: frozen };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', drop);
    client.on('close', drop);
    if (frozen) return; // accepted, never answered
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    pair.upstream = upstream;
    upstream.on('error', drop);
    upstream.on('close', drop);
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('the proxy has no port');
  return {
    port: address.port,
    freeze() {
      frozen = true;
      for (const pair of pairs) pair.froze = true;
    },
    thaw() {
      frozen = false;
      for (const pair of [...pairs]) {
        if (!pair.froze) continue;
        pairs.delete(pair);
        pair.client.destroy();
        pair.upstream?.destroy();
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
