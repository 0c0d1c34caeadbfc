import { ChildChannel } from './child-channel.ts';
import type { PublisherCommand, PublisherReply } from './publisher-protocol.ts';
import type { Span, Workload } from './workload.ts';

export type PublishResult = Extract<PublisherReply, { type: 'done' }>;
export type Prepared = Extract<PublisherReply, { type: 'prepared' }>;

/** At most this many QoS 1 publishes unacknowledged (PERFORMANCE.md §5). */
export const publishWindow = 1_000;

/** The load generator in its own Node process (mqtt.js, QoS 1). */
export class PublisherProcess {
  readonly #channel: ChildChannel<PublisherCommand, PublisherReply>;
  #bdSeq = 0;

  private constructor(channel: ChildChannel<PublisherCommand, PublisherReply>) {
    this.#channel = channel;
  }

  static async connect(url: string, clientId: string): Promise<PublisherProcess> {
    const publisher = new PublisherProcess(new ChildChannel(new URL('./publisher-child.js', import.meta.url)));
    try {
      await publisher.#channel.request({ type: 'connect', url, clientId }, 'connected');
    } catch (error) {
      await publisher.close();
      throw error;
    }
    return publisher;
  }

  get pid(): number {
    return this.#channel.pid;
  }

  /** Generates the messages (and publishes Sparkplug births) so that `go` measures publishing only. */
  prepare(workload: Workload, span: Span): Promise<Prepared> {
    return this.#channel.request({ type: 'prepare', workload, span, bdSeq: this.#bdSeq++ % 256 }, 'prepared');
  }

  go(messagesPerSecond?: number): Promise<PublishResult> {
    return this.#channel.request({ type: 'go', window: publishWindow, ...(messagesPerSecond !== undefined ? { messagesPerSecond } : {}) }, 'done');
  }

  close(): Promise<void> {
    return this.#channel.close({ type: 'close' });
  }
}
