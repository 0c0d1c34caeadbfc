/** A raw consumer that does nothing with what it receives: the reference the benchmarks divide by. */
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import type { SinkCommand, SinkReply } from './sink-protocol.ts';

let messages = 0;
let close: () => Promise<void> = async () => undefined;

function reply(message: SinkReply): void {
  process.send?.(message);
}

async function start(command: Extract<SinkCommand, { type: 'start' }>): Promise<number> {
  if (command.mode === 'aedes') {
    // Same broker settings as the embedded broker of the product (packages/mqtt-broker).
    const broker = await Aedes.createBroker({ concurrency: 10_000 });
    await new Promise<void>((resolve) =>
      broker.subscribe(
        '#',
        (packet, done) => {
          if (!packet.topic.startsWith('$')) messages++;
          done();
        },
        resolve,
      ),
    );
    const server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return (server.address() as AddressInfo).port;
  }
  const client = await mqtt.connectAsync(command.url, { clean: true, reconnectPeriod: 0, keepalive: 120 });
  client.on('message', () => {
    messages++;
  });
  await client.subscribeAsync(command.filter, { qos: command.qos ?? 1 });
  close = () => client.endAsync();
  return Number(new URL(command.url).port);
}

async function handle(command: SinkCommand): Promise<void> {
  switch (command.type) {
    case 'start':
      reply({ type: 'started', port: await start(command) });
      return;
    case 'count':
      reply({ type: 'count', messages });
      return;
    case 'close':
      await close();
      process.exit(0);
  }
}

process.on('message', (command: SinkCommand) => {
  handle(command).catch((error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));
