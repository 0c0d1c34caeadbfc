import { ResourceStack, type Closeable, type Logger } from '@shopfloor/engine';
import type { NodeConfig } from '../config/node-config.ts';
import { startDemoPublisher } from '../demo/demo-publisher.ts';
import { startNode, type RunningNode } from './node.ts';

export interface RunningDemo extends Closeable {
  readonly node: RunningNode;
}

/** All-in-one: a node with the embedded broker and SQLite, plus the built-in demo plant publishing into it. */
export async function startDemo(config: NodeConfig, logger: Logger): Promise<RunningDemo> {
  const owned = new ResourceStack();
  try {
    const node = owned.add(await startNode(config, 'demo', logger));
    if (config.demo.machines > 0) {
      owned.add(await startDemoPublisher({ url: node.mqttUrl, machines: config.demo.machines, intervalMs: config.demo.intervalMs, enterprise: 'acme', site: 'plant1' }, logger.child({ part: 'demo' })));
    }
    return { node, close: () => owned.close() };
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}
