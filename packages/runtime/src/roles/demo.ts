import { createServer } from 'node:net';
import { join } from 'node:path';
import { ResourceStack, type Closeable, type Logger } from '@shopfloor/engine';
import type { RuleDefinition } from '@shopfloor/alarms';
import type { ProcessorsConfig } from '@shopfloor/processors';
import type { NodeConfig } from '../config/node-config.ts';
import { simulateDefaults } from '../config/simulate-config.ts';
import { startNode, type RunningNode } from './node.ts';
import { startDemoVibration } from './demo-vibration.ts';
import { buildPlant, startSimulation, type RunningSimulation } from './simulate.ts';

export interface RunningDemo extends Closeable {
  /** The hub: history, the API users open (api.port), the receiver of the edge's uplink. */
  readonly node: RunningNode;
  /** The edge next to the machines: the broker the plant publishes to (mqtt port), processors, alarms, the outbox. */
  readonly edge: RunningNode;
  readonly simulation: RunningSimulation;
}

/** Alarm rules of the demo edge: plain data, as a user would write them in the node's file. */
export const demoRules: RuleDefinition[] = [
  {
    id: 'vibration-high',
    type: 'threshold',
    target: { tags: '+/+/+/+/+/+/vibration-velocity-rms' },
    op: '>',
    limit: 7.1,
    deadband: 0.5,
    onDelayMs: 5_000,
    priority: 'high',
    message: 'Vibration {value} mm/s on {tag} is above 7.1 mm/s (ISO 10816 zone D)',
  },
  {
    id: 'bearing-hot',
    type: 'threshold',
    target: { tags: '+/+/+/+/+/+/bearing-temperature-de' },
    op: '>',
    limit: 85,
    deadband: 3,
    onDelayMs: 10_000,
    priority: 'high',
    message: 'Bearing temperature {value} °C on {tag}',
  },
  { id: 'machine-down', type: 'state', target: { tags: '+/+/+/+/+/+/state' }, in: ['down'], priority: 'medium', message: '{tag} is down' },
  { id: 'no-data', type: 'stale', target: { tags: '+/+/+/+/+/+/state' }, afterMs: 15_000, priority: 'low', message: 'No data from {tag} for 15 s' },
];

/** Processors of the demo edge: one-minute statistics of every vibration velocity. */
export const demoProcessors: ProcessorsConfig = [
  { type: 'aggregate', tags: ['+/+/+/+/+/+/vibration-velocity-rms'], windowMs: 60_000, functions: ['min', 'max', 'avg'] },
];

/**
 * All-in-one, shaped like a plant: the simulated plant publishes JSON over MQTT (QoS 1) in real time
 * to an edge node (embedded broker on mqtt.broker.embedded.port, processors, alarm rules, a local
 * store and the durable outbox), which forwards everything over MQTT to a hub node (SQLite history,
 * the API on api.port, exactly-once ingest of the uplink). The default plant's bearing fault
 * develops on a pump; the simulator's control routes are served by the hub's API under /sim/v1.
 */
export async function startDemo(config: NodeConfig, logger: Logger): Promise<RunningDemo> {
  const owned = new ResourceStack();
  try {
    const plant = buildPlant(config.demo.simulator);
    const hubBrokerPort = await freeLoopbackPort();
    const hubBrokerUrl = `mqtt://127.0.0.1:${hubBrokerPort}`;
    const uplinkPrefix = 'shopfloor/uplink';
    const hubConfig: NodeConfig = {
      ...config,
      mqtt: { ...config.mqtt, broker: { embedded: { host: '127.0.0.1', port: hubBrokerPort } } },
      hub: {
        receiver: {
          ...config.hub.receiver,
          enabled: true,
          transport: { mqtt: { url: hubBrokerUrl, topicPrefix: uplinkPrefix, clientId: 'shopfloor-demo-hub', sessionExpirySeconds: 86_400 } },
        },
      },
    };
    const node = owned.add(await startNode(hubConfig, 'demo', logger.child({ node: 'hub' }), { simulator: plant }));

    const edgeConfig: NodeConfig = {
      ...config,
      node: { id: `${config.node.id}-edge`, dataDir: join(node.dataDir, 'edge') },
      api: { ...config.api, port: config.api.port === 0 ? 0 : config.api.port + 1 },
      processors: config.processors.length > 0 ? config.processors : demoProcessors,
      rules: config.rules.length > 0 ? config.rules : demoRules,
      edge: {
        ...config.edge,
        uplink: { ...config.edge.uplink, enabled: true, transport: { mqtt: { url: hubBrokerUrl, topicPrefix: uplinkPrefix, qos: 1 } } },
      },
    };
    const edge = owned.add(await startNode(edgeConfig, 'edge', logger.child({ node: 'edge' }), { writeAdminToken: true }));
    const simulation = owned.add(
      await startSimulation(
        {
          ...simulateDefaults,
          dataDir: join(node.dataDir, 'simulator'),
          simulator: config.demo.simulator,
          mqtt: { ...simulateDefaults.mqtt, url: edge.mqttUrl },
          modbus: { ...simulateDefaults.modbus, enabled: config.demo.modbus, basePort: 0 },
          opcua: { ...simulateDefaults.opcua, enabled: config.demo.opcua, port: 0 },
          control: { ...simulateDefaults.control, enabled: false },
        },
        logger.child({ part: 'simulator' }),
        { plant },
      ),
    );
    const vibration = startDemoVibration(plant, edge.pipeline, logger.child({ node: 'edge', part: 'vibration' }));
    owned.defer(() => vibration.stop());
    return { node, edge, simulation, close: () => owned.close() };
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
