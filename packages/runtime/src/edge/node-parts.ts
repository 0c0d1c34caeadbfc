import { join } from 'node:path';
import type { AlarmEngine } from '@shopfloor/alarms';
import type { AlarmOperations, EdgeDirectory } from '@shopfloor/api';
import type { CollectorHealth, Logger, Pipeline, PointStore, Registry, ResourceStack, TagDirectory } from '@shopfloor/engine';
import type { AlarmEvent } from '@shopfloor/model';
import type { SqliteAlarmStore, SqlitePointStore } from '@shopfloor/store-sqlite';
import { createUplink, forwardingStore, recordForwarder, startUplinkReceiver, type Uplink, type UplinkReceiver } from '@shopfloor/uplink';
import type { NodeConfig } from '../config/node-config.ts';
import { ConfigFromHub } from './config-from-hub.ts';
import { EdgeWorkload } from './edge-workload.ts';
import { parseWorkload, type Workload } from './workload-config.ts';

export interface EdgePartsDeps {
  readonly owned: ResourceStack;
  readonly store: SqlitePointStore;
  readonly registry: Registry;
  readonly directory: TagDirectory;
  readonly alarmStore: SqliteAlarmStore;
  readonly dataDir: string;
  readonly logger: Logger;
}

/** The running edge side of a node. */
export interface EdgeParts {
  readonly workload: EdgeWorkload;
  readonly uplink: Uplink | undefined;
  /** The alarm engine of the running configuration (it changes when the hub pushes rules). */
  readonly alarmOperations: AlarmOperations;
  /** The configuration version: 0 for the node's own file, else the version the hub pushed. */
  readonly configVersion: () => number;
  /** Health facts for /api/v1/status and the status sent to the hub. */
  status(): Record<string, unknown>;
  /** Every collector's health: the MQTT ingest (once added) and the workload's collectors. */
  collectors(): CollectorHealth[];
  /** Adds a collector that lives outside the workload (the MQTT ingest) to the health reports. */
  addCollector(health: () => CollectorHealth): void;
  /** Forwards alarm events not yet in the outbox (also runs on a timer). */
  forwardAlarms(): Promise<void>;
}

/**
 * Builds the edge side before the pipeline exists (the pipeline writes through `pipelineStore`,
 * which adds the uplink's outbox) and starts it once the pipeline does.
 */
export async function startEdgeParts(
  config: NodeConfig,
  deps: EdgePartsDeps,
): Promise<{ readonly pipelineStore: PointStore; start(pipeline: Pipeline): Promise<EdgeParts> }> {
  const { owned, store, directory, logger } = deps;
  const { enabled: uplinkEnabled, ...uplinkConfig } = config.edge.uplink;
  const uplink = uplinkEnabled
    ? owned.add(await createUplink(uplinkConfig, { edgeId: config.node.id, dataDir: deps.dataDir, logger: logger.child({ part: 'uplink' }) }))
    : undefined;
  const pipelineStore = uplink === undefined ? store : forwardingStore(store, uplink, (tag) => directory.isComputed(tag));
  return { pipelineStore, start: (pipeline) => startRunning(config, deps, pipeline, uplink) };
}

async function startRunning(config: NodeConfig, deps: EdgePartsDeps, pipeline: Pipeline, uplink: Uplink | undefined): Promise<EdgeParts> {
  const { owned, store, alarmStore, logger } = deps;
  const fromFile: Workload = { collectors: config.collectors, processors: config.processors, vibration: config.vibration, rules: config.rules };
  const acceptsConfig = uplink !== undefined && !config.edge.uplink.oneWay && config.edge.acceptConfigFromHub;
  const configFile = join(deps.dataDir, 'hub-config.json');
  const check = (document: unknown): string | undefined => {
    try {
      parseWorkload(document, configFile);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const stored = acceptsConfig ? ConfigFromHub.stored<Workload>(configFile, check, logger) : undefined;
  const configState = new ConfigFromHub<Workload>(configFile, stored ?? { version: 0, document: fromFile }, logger.child({ part: 'config' }));
  if (stored !== undefined) logger.info('running the configuration the hub pushed last', { version: stored.version });

  const workload = owned.add(await EdgeWorkload.start(configState.document, { pipeline, registry: deps.registry, alarmStore, origin: config.node.id, logger }));
  if (uplink !== undefined) {
    if (acceptsConfig) {
      uplink.onControl((request) =>
        configState.apply(
          request.version,
          request.document,
          (document) => parseWorkload(document),
          (next) => workload.replace(next),
        ),
      );
    } else {
      logger.info('configuration pushes from the hub are not accepted', {
        reason: config.edge.uplink.oneWay ? 'uplink.oneWay' : 'edge.acceptConfigFromHub is false',
      });
    }
  }

  // Alarm events reach the hub through the outbox (class alarm: never evicted); each is marked forwarded once it is durable there.
  const forwarder = uplink === undefined ? undefined : recordForwarder<AlarmEvent>(alarmStore, uplink, 'alarms');
  let forwarding: Promise<void> | undefined;
  const forwardAlarms = (): Promise<void> => {
    if (forwarder === undefined) return Promise.resolve();
    forwarding = forwarder.forward().catch((error: unknown) => {
      logger.warn('forwarding alarm events to the outbox failed; retrying', { error: (error as Error).message });
    });
    return forwarding;
  };
  const subscribe = (alarms: AlarmEngine): void => {
    alarms.onEvent(() => setImmediate(() => void forwardAlarms()));
  };
  subscribe(workload.alarms);
  workload.onAlarmEngine(subscribe);

  const outside: (() => CollectorHealth)[] = [];
  const collectors = (): CollectorHealth[] => [...outside.map((health) => health()), ...workload.health()];
  const status = (): Record<string, unknown> => ({
    configVersion: configState.version,
    collectors: collectors(),
    alarms: { active: workload.alarms.alarms({}).filter((record) => record.state !== 'normal').length },
    ...(uplink !== undefined ? { uplink: uplink.stats() } : {}),
  });

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, run: () => void): void => {
    const timer = setInterval(run, ms);
    timer.unref();
    timers.push(timer);
  };
  every(config.edge.tickMs, () => workload.tick(Date.now()));
  every(1_000, () => void forwardAlarms());
  // Retention trims the local store only where a hub keeps the history: on a node that forwards.
  const retention = config.edge.retention;
  if (uplink !== undefined && (retention.maxAgeHours > 0 || retention.maxBytes > 0)) {
    let retaining = false;
    every(retention.intervalSeconds * 1_000, () => {
      if (retaining) return;
      retaining = true;
      store
        .retain({
          ...(retention.maxAgeHours > 0 ? { before: Date.now() - retention.maxAgeHours * 3_600_000 } : {}),
          ...(retention.maxBytes > 0 ? { maxBytes: retention.maxBytes } : {}),
        })
        .then((outcome) => {
          if (outcome.deletedChunks > 0) logger.info('retention removed old data from the local store', { ...outcome });
        })
        .catch((error: unknown) => logger.warn('retention of the local store failed', { error: (error as Error).message }))
        .finally(() => (retaining = false));
    });
  }
  if (uplink !== undefined) {
    const report = (): void => {
      const stats = pipeline.stats;
      const ingest = {
        received: stats.received,
        stored: stats.stored,
        rejected: stats.rejectedTotal(),
        filtered: stats.filtered,
        derived: stats.derived,
        failed: stats.failed,
      };
      uplink
        .status({ node: config.node.id, at: Date.now(), ...status(), ingest })
        .catch((error: unknown) => logger.warn('queueing the status for the hub failed', { error: (error as Error).message }));
    };
    report();
    every(config.edge.statusSeconds * 1_000, report);
  }
  owned.defer(async () => {
    for (const timer of timers) clearInterval(timer);
    await forwarding;
  });

  const alarmOperations: AlarmOperations = {
    alarms: (filter) => workload.alarms.alarms(filter),
    acknowledge: (rule, tag, action) => workload.alarms.acknowledge(rule, tag, action),
    shelve: (rule, tag, untilTs, action) => workload.alarms.shelve(rule, tag, untilTs, action),
    unshelve: (rule, tag, action) => workload.alarms.unshelve(rule, tag, action),
    suppress: (rule, tag, action) => workload.alarms.suppress(rule, tag, action),
    unsuppress: (rule, tag, action) => workload.alarms.unsuppress(rule, tag, action),
    setOutOfService: (rule, tag, outOfService, action) => workload.alarms.setOutOfService(rule, tag, outOfService, action),
  };
  return {
    workload,
    uplink,
    alarmOperations,
    configVersion: () => configState.version,
    status,
    collectors,
    addCollector: (health) => void outside.push(health),
    forwardAlarms,
  };
}

export interface HubPartsDeps {
  readonly owned: ResourceStack;
  readonly pipeline: Pipeline;
  readonly alarmStore: SqliteAlarmStore;
  readonly dataDir: string;
  readonly logger: Logger;
}

export interface HubParts {
  readonly receiver: UplinkReceiver;
  readonly edges: EdgeDirectory;
  status(): Record<string, unknown>;
}

/** The hub side: edges' uplinks into this node's pipeline (exactly once), their alarm history, their status. */
export async function startHubParts(config: NodeConfig, deps: HubPartsDeps): Promise<HubParts> {
  const { owned, pipeline, alarmStore, logger } = deps;
  const { enabled: _enabled, ...receiverConfig } = config.hub.receiver;
  const receiver = owned.add(
    await startUplinkReceiver(receiverConfig, {
      sink: pipeline,
      dataDir: deps.dataDir,
      logger: logger.child({ part: 'receiver' }),
      // The hub's alarm history holds its own alarms and its edges'; an event id stored twice is kept once.
      onRecords: async (_edgeId, kind, records) => {
        if (kind === 'alarms') await alarmStore.append(records as AlarmEvent[], []);
      },
      onStatus: (edgeId, message) => {
        if (message.type === 'drops') logger.warn('an edge reports data its outbox dropped (disk budget)', { edge: edgeId, ...message.report });
      },
    }),
  );
  const edges: EdgeDirectory = {
    list: () => receiver.list(),
    get: (id) => receiver.get(id),
    pushConfig: (id, version, document) => receiver.pushConfig(id, version, document),
  };
  return { receiver, edges, status: () => ({ edges: receiver.list().length, ...receiver.stats() }) };
}
