import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IngestStats, Pipeline, ResourceStack, TagDirectory, type Closeable, type Logger, type PointStore } from '@shopfloor/engine';
import { createApiServer, createNodeMetrics, FileTokenStore, LiveHub, registerEdgeMetrics } from '@shopfloor/api';
import { startEmbeddedBroker, type EmbeddedBroker } from '@shopfloor/mqtt-broker';
import { startMqttIngest, type MqttIngest } from '@shopfloor/collector-mqtt';
import { createSqliteAlarmStore, createSqlitePointStore, createSqliteRegistry } from '@shopfloor/store-sqlite';
import type { Plant } from '@shopfloor/simulator';
import type { NodeConfig } from '../config/node-config.ts';
import { startEdgeParts, startHubParts, type EdgeParts, type HubParts } from '../edge/node-parts.ts';

export type Role = 'demo' | 'hub' | 'edge';

export interface RunningNode extends Closeable {
  readonly role: Role;
  readonly apiUrl: string;
  readonly apiPort: number;
  /** Where MQTT clients connect: the embedded broker, or the configured external broker. */
  readonly mqttUrl: string;
  /** Set only on the first start, when the admin token was created. */
  readonly newAdminToken: string | undefined;
  readonly dataDir: string;
  readonly pipeline: Pipeline;
  /** The node's own point store (reads; the pipeline writes). */
  readonly store: PointStore;
  readonly ingest: MqttIngest;
  /** Collectors, processors, alarms, retention and (when enabled) the uplink to the parent hub. */
  readonly edge: EdgeParts;
  /** The receiver of edges' uplinks, when enabled. */
  readonly hub: HubParts | undefined;
}

export const version = '0.1.0';

/**
 * The composition root of a node: store, registry, pipeline, MQTT ingest, API, in dependency order,
 * each on one ResourceStack so `close()` stops taking data, drains the pipeline, flushes the store
 * and closes handles, in that order.
 */
export async function startNode(
  config: NodeConfig,
  role: Role,
  logger: Logger,
  extras: { simulator?: Plant; writeAdminToken?: boolean } = {},
): Promise<RunningNode> {
  const owned = new ResourceStack();
  try {
    const dataDir = resolve(config.node.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const registry = owned.add(await createSqliteRegistry({ file: join(dataDir, 'model.db') }, { logger: logger.child({ part: 'registry' }) }));
    const store = owned.add(await createSqlitePointStore({ ...config.store, file: join(dataDir, 'points.db') }, { logger: logger.child({ part: 'store' }) }));
    const alarmStore = owned.add(await createSqliteAlarmStore({ file: join(dataDir, 'alarms.db') }, { logger: logger.child({ part: 'alarm-store' }) }));
    const directory = new TagDirectory(await registry.listTags());
    const live = new LiveHub();
    const stats = new IngestStats();
    const metrics = createNodeMetrics(stats, live);
    const pipelineLogger = logger.child({ part: 'pipeline' });
    // The uplink's outbox sits behind the store: a point is acknowledged to its source only once it will reach the hub.
    const edgeParts = await startEdgeParts(config, { owned, store, registry, directory, alarmStore, dataDir, logger });
    const pipeline = owned.add(
      new Pipeline(config.pipeline, {
        store: edgeParts.pipelineStore,
        directory,
        logger: pipelineLogger,
        observers: [live],
        metrics,
        stats,
        onNewTags: (tags) => {
          // Only tags the registry does not have yet: a modelled tag keeps its unit, type and asset.
          registry
            .addTags(tags)
            .catch((error: unknown) => pipelineLogger.error('registering new tags failed', { tags: tags.length, error: (error as Error).message }));
        },
      }),
    );

    let broker: EmbeddedBroker | undefined;
    let mqttUrl: string;
    const brokerConfig = config.mqtt.broker;
    if ('embedded' in brokerConfig) {
      broker = owned.add(await startEmbeddedBroker(brokerConfig.embedded, { logger: logger.child({ part: 'broker' }) }));
      mqttUrl = `mqtt://${brokerConfig.embedded.host === '0.0.0.0' ? '127.0.0.1' : brokerConfig.embedded.host}:${broker.port}`;
    } else {
      mqttUrl = brokerConfig.external.url;
    }
    // Waveform topics go to the running workload's feature extraction (it changes when the hub pushes one).
    const running: { edge?: EdgeParts } = {};
    const ingest = owned.add(
      await startMqttIngest(config.mqtt.ingest, {
        pipeline,
        waveforms: {
          matches: (topic) => running.edge?.workload.waveforms.matches(topic) ?? false,
          decode: (topic, payload, receivedAt) => (running.edge as EdgeParts).workload.waveforms.decode(topic, payload, receivedAt),
        },
        logger: logger.child({ part: 'mqtt' }),
        ...(broker !== undefined ? { broker } : {}),
        ...('external' in brokerConfig ? { external: brokerConfig.external } : {}),
      }),
    );

    const edge = await edgeParts.start(pipeline);
    running.edge = edge;
    edge.addCollector(() => ingest.health());
    registerEdgeMetrics(metrics, () => ({
      ...(edge.uplink !== undefined ? { uplink: edge.uplink.stats() } : {}),
      collectors: edge.collectors(),
      activeAlarms: edge.workload.alarms.alarms({}).length,
    }));
    const hub = config.hub.receiver.enabled ? await startHubParts(config, { owned, pipeline, alarmStore, dataDir, logger }) : undefined;

    const tokens = new FileTokenStore(join(dataDir, 'tokens.json'));
    const newAdminToken = tokens.ensureAdminToken();
    if (newAdminToken !== undefined && (role === 'demo' || extras.writeAdminToken === true))
      writeFileSync(join(dataDir, 'admin-token'), `${newAdminToken}\n`, { mode: 0o600 });
    const startedAt = Date.now();
    const api = owned.add(
      await createApiServer(config.api, {
        store,
        registry,
        stats,
        live,
        metrics,
        tokens,
        logger: logger.child({ part: 'api' }),
        ...(extras.simulator !== undefined ? { simulator: extras.simulator } : {}),
        alarms: { engine: edge.alarmOperations, history: alarmStore },
        ...(hub !== undefined ? { edges: hub.edges } : {}),
        onTagsDeclared: (tags) => {
          for (const tag of tags) directory.declare(tag);
        },
        info: {
          role,
          version,
          startedAt,
          details: () => ({
            node: config.node.id,
            mqtt: { url: mqttUrl, ...ingest.status() },
            tags: directory.size,
            ...edge.status(),
            ...(hub !== undefined ? { receiver: hub.status() } : {}),
          }),
        },
      }),
    );
    const apiPort = await api.listen();
    const rateTimer = setInterval(() => metrics.sample(Date.now()), 1_000);
    rateTimer.unref();
    owned.defer(() => clearInterval(rateTimer));
    const apiHost = config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host;
    logger.info('node started', { role, node: config.node.id, dataDir, api: `http://${apiHost}:${apiPort}`, mqtt: mqttUrl, tags: directory.size });
    return {
      role,
      apiUrl: `http://${apiHost}:${apiPort}`,
      apiPort,
      mqttUrl,
      newAdminToken,
      dataDir,
      pipeline,
      store,
      ingest,
      edge,
      hub,
      close: () => owned.close(),
    };
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}
