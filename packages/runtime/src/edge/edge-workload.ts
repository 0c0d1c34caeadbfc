import { modbusCollectorTags, startModbusCollector } from '@shopfloor/collector-modbus';
import { startOpcUaCollector } from '@shopfloor/collector-opcua';
import { createAlarmEngine, type AlarmEngine, type AlarmStore, type RuleAsset } from '@shopfloor/alarms';
import { createProcessors, createWaveformRouter, type WaveformRouter } from '@shopfloor/processors';
import { ResourceStack, type Collector, type CollectorHealth, type Logger, type Pipeline, type Registry } from '@shopfloor/engine';
import type { Tag } from '@shopfloor/model';
import type { Workload } from './workload-config.ts';

export interface WorkloadDeps {
  readonly pipeline: Pipeline;
  readonly registry: Registry;
  readonly alarmStore: AlarmStore;
  /** Prefix of alarm event ids: the node id. */
  readonly origin: string;
  /** Told about tags the collectors declared (types and units), so ingest knows them at once. */
  readonly onTagsDeclared?: (tag: Tag) => void;
  readonly logger: Logger;
}

/** The running collectors, processors and alarm engine of one configuration version. */
interface Running {
  readonly waveforms: WaveformRouter;
  readonly collectors: ResourceStack;
  readonly collectorList: readonly Collector[];
  readonly alarms: AlarmEngine;
}

/**
 * What a node collects and computes, swappable as a whole: `replace` builds the new collectors,
 * processors and alarm engine, and only when all of them started swaps them in (processors and
 * rules between two batches) and stops the old ones; when anything fails to start, what was built
 * is stopped and the old set keeps running.
 */
export class EdgeWorkload {
  readonly #deps: WorkloadDeps;
  #running: Running | undefined;
  #listeners: ((alarms: AlarmEngine) => void)[] = [];

  private constructor(deps: WorkloadDeps) {
    this.#deps = deps;
  }

  static async start(workload: Workload, deps: WorkloadDeps): Promise<EdgeWorkload> {
    const edge = new EdgeWorkload(deps);
    await edge.replace(workload);
    return edge;
  }

  get alarms(): AlarmEngine {
    if (this.#running === undefined) throw new Error('the workload is not running');
    return this.#running.alarms;
  }

  /** Waveform blocks of the running configuration (the MQTT ingest routes their topics here). */
  readonly waveforms: WaveformRouter = {
    matches: (topic) => this.#running?.waveforms.matches(topic) ?? false,
    decode: (topic, payload, receivedAt) =>
      this.#running?.waveforms.decode(topic, payload, receivedAt) ?? {
        accepted: [],
        rejected: [{ reason: 'malformed-payload', input: topic, detail: 'the edge is stopping', count: 1 }],
      },
  };

  /** Called with the new alarm engine after every swap (the API and the forwarder follow it). */
  onAlarmEngine(listener: (alarms: AlarmEngine) => void): void {
    this.#listeners.push(listener);
  }

  health(): CollectorHealth[] {
    return this.#running?.collectorList.map((collector) => collector.health()) ?? [];
  }

  tick(now: number): void {
    this.#deps.pipeline.tick(now);
    this.#running?.alarms.tick(now);
  }

  async replace(workload: Workload): Promise<void> {
    const { pipeline, logger } = this.#deps;
    // Processors first: a bad definition throws before anything runs.
    const processors = createProcessors(workload.processors);
    const waveforms = createWaveformRouter(workload.vibration);
    const previous = this.#running;
    const collectors = new ResourceStack();
    const collectorList: Collector[] = [];
    let alarms: AlarmEngine;
    try {
      if (workload.collectors.modbus.devices.length > 0) {
        // Data types and units of the register map; a tag the data model already has keeps its definition.
        const declared = await this.#deps.registry.addTags(modbusCollectorTags(workload.collectors.modbus));
        for (const tag of declared) this.#deps.onTagsDeclared?.(tag);
        collectorList.push(collectors.add(await startModbusCollector(workload.collectors.modbus, { pipeline, logger: logger.child({ part: 'modbus' }) })));
      }
      if (workload.collectors.opcua.servers.length > 0) {
        collectorList.push(collectors.add(await startOpcUaCollector(workload.collectors.opcua, { pipeline, logger: logger.child({ part: 'opcua' }) })));
      }
      // The old engine's transitions must be on disk before the new one loads the state; the swap follows at once.
      if (previous !== undefined) await previous.alarms.persisted();
      alarms = await createAlarmEngine(workload.rules, {
        logger: logger.child({ part: 'alarms' }),
        origin: this.#deps.origin,
        store: this.#deps.alarmStore,
        assets: await ruleAssets(this.#deps.registry),
      });
    } catch (error) {
      await collectors.close().catch(() => undefined);
      throw error;
    }
    pipeline.replaceProcessors([...processors, alarms]);
    this.#running = { waveforms, collectors, collectorList, alarms };
    for (const listener of this.#listeners) listener(alarms);
    if (previous !== undefined) {
      await previous.collectors.close();
      await previous.alarms.close();
    }
  }

  async close(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (running === undefined) return;
    await running.collectors.close();
    await this.#deps.pipeline.drain();
    await running.alarms.close();
  }
}

/** Every asset with a model, and the model's inheritance chain (itself first), for model-targeted rules. */
async function ruleAssets(registry: Registry): Promise<RuleAsset[]> {
  const models = new Map((await registry.listModels()).map((model) => [model.id, model]));
  const assets: RuleAsset[] = [];
  for (const asset of await registry.listAssets()) {
    if (asset.model === undefined) continue;
    const chain: string[] = [];
    for (let id: string | undefined = asset.model; id !== undefined && !chain.includes(id); id = models.get(id)?.extends) chain.push(id);
    assets.push({ path: asset.path, modelChain: chain });
  }
  return assets;
}
