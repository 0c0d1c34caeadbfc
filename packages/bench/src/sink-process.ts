import { ChildChannel } from './child-channel.ts';
import type { SinkCommand, SinkReply } from './sink-protocol.ts';

/** A do-nothing consumer in its own process: aedes with an in-process handler, or an mqtt.js subscriber. */
export class SinkProcess {
  readonly #channel: ChildChannel<SinkCommand, SinkReply>;
  readonly port: number;

  private constructor(channel: ChildChannel<SinkCommand, SinkReply>, port: number) {
    this.#channel = channel;
    this.port = port;
  }

  static async start(command: Extract<SinkCommand, { type: 'start' }>): Promise<SinkProcess> {
    const channel = new ChildChannel<SinkCommand, SinkReply>(new URL('./sink-child.js', import.meta.url));
    try {
      const started = await channel.request(command, 'started');
      return new SinkProcess(channel, started.port);
    } catch (error) {
      await channel.close({ type: 'close' });
      throw error;
    }
  }

  get pid(): number {
    return this.#channel.pid;
  }

  async messages(): Promise<number> {
    return (await this.#channel.request({ type: 'count' }, 'count')).messages;
  }

  close(): Promise<void> {
    return this.#channel.close({ type: 'close' });
  }
}
