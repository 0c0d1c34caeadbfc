import { join } from 'node:path';
import { ResourceStack, type Closeable, type Logger } from '@shopfloor/engine';
import type { NodeConfig } from '../config/node-config.ts';
import { simulateDefaults } from '../config/simulate-config.ts';
import { startNode, type RunningNode } from './node.ts';
import { buildPlant, startSimulation, type RunningSimulation } from './simulate.ts';

export interface RunningDemo extends Closeable {
  readonly node: RunningNode;
  readonly simulation: RunningSimulation;
}

/**
 * All-in-one: a node with the embedded broker and SQLite, and the simulated plant publishing into it
 * over MQTT (JSON, QoS 1) in real time — with the default plant's bearing fault developing on a pump.
 * The simulator's control routes are served by the node's API under /sim/v1.
 */
export async function startDemo(config: NodeConfig, logger: Logger): Promise<RunningDemo> {
  const owned = new ResourceStack();
  try {
    const plant = buildPlant(config.demo.simulator);
    const node = owned.add(await startNode(config, 'demo', logger, { simulator: plant }));
    const simulation = owned.add(
      await startSimulation(
        {
          ...simulateDefaults,
          dataDir: join(node.dataDir, 'simulator'),
          simulator: config.demo.simulator,
          mqtt: { ...simulateDefaults.mqtt, url: node.mqttUrl },
          modbus: { ...simulateDefaults.modbus, enabled: config.demo.modbus, basePort: 0 },
          opcua: { ...simulateDefaults.opcua, enabled: config.demo.opcua, port: 0 },
          control: { ...simulateDefaults.control, enabled: false },
        },
        logger.child({ part: 'simulator' }),
        { plant },
      ),
    );
    return { node, simulation, close: () => owned.close() };
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}
