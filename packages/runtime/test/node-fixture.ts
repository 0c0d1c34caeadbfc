import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger, type Logger } from '@shopfloor/engine';
import { nodeDefaults, startNode, type NodeConfig, type RunningNode } from '@shopfloor/runtime';
import { testApi, type TestApi } from '@shopfloor/testkit';

export interface NodeFixture {
  readonly node: RunningNode;
  readonly api: TestApi;
  readonly token: string;
  readonly mqttPort: number;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** A hub node in this process on free ports and a fresh data directory. */
export async function startTestNode(
  adjust: (config: NodeConfig) => NodeConfig = (config) => config,
  dataDir?: string,
  logger: Logger = createSilentLogger(),
): Promise<NodeFixture> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'sf-node-'));
  const config = adjust({
    ...structuredClone(nodeDefaults),
    node: { id: 'test', dataDir: dir },
    mqtt: { ...structuredClone(nodeDefaults.mqtt), broker: { embedded: { host: '127.0.0.1', port: 0 } } },
    api: { ...nodeDefaults.api, port: 0 },
    store: { ...nodeDefaults.store, checkpointSeconds: 1 },
  });
  const node = await startNode(config, 'hub', logger);
  const token = node.newAdminToken;
  if (token === undefined) throw new Error('a fresh data directory should have produced an admin token');
  return {
    node,
    api: testApi(node.apiUrl, token),
    token,
    mqttPort: Number(new URL(node.mqttUrl).port),
    dataDir: dir,
    async close() {
      await node.close();
      if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
