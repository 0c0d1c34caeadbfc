import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '@shopfloor/engine';
import { nodeDefaults, startNode, type RunningNode } from '@shopfloor/runtime';
import { testApi, type TestApi } from '@shopfloor/testkit';

export interface RuntimeNode {
  readonly node: RunningNode;
  readonly api: TestApi;
  /** The node's embedded broker. */
  readonly mqttUrl: string;
  close(): Promise<void>;
}

/** A Shopfloor hub node in this process: embedded broker and API on free ports, a fresh data directory. */
export async function startRuntimeNode(): Promise<RuntimeNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sf-sim-mqtt-'));
  const node = await startNode(
    {
      ...structuredClone(nodeDefaults),
      node: { id: 'sim-mqtt-test', dataDir },
      mqtt: { ...structuredClone(nodeDefaults.mqtt), broker: { embedded: { host: '127.0.0.1', port: 0 } } },
      api: { ...nodeDefaults.api, port: 0 },
    },
    'hub',
    createSilentLogger(),
  );
  const token = node.newAdminToken;
  if (token === undefined) throw new Error('a fresh data directory should have produced an admin token');
  return {
    node,
    api: testApi(node.apiUrl, token),
    mqttUrl: node.mqttUrl,
    async close() {
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
