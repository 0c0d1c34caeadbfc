import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ResourceStack, type Closeable, type Logger } from '@shopfloor/engine';
import { FileTokenStore, startSimulatorControlServer } from '@shopfloor/api';
import {
  createPlant,
  createReplayPlant,
  createSimulationClock,
  defaultPlantDescription,
  loadPlantDescription,
  type Plant,
  type SimulationClock,
  type SimulatorConfig,
} from '@shopfloor/simulator';
import { startJsonPublisher, startSparkplugEdgeNode, type JsonPublisher, type SparkplugEdgeNode } from '@shopfloor/simulator-mqtt';
import { startModbusServers, type ModbusServerInfo } from '@shopfloor/simulator-modbus';
import type { SimulateConfig } from '../config/simulate-config.ts';

export interface RunningSimulation extends Closeable {
  readonly plant: Plant;
  readonly clock: SimulationClock;
  readonly json: JsonPublisher | undefined;
  readonly sparkplug: SparkplugEdgeNode | undefined;
  readonly modbus: readonly ModbusServerInfo[];
  readonly opcuaUrl: string | undefined;
  readonly controlUrl: string | undefined;
  /** Set on the first start of a data directory: the control API's admin token. */
  readonly newControlToken: string | undefined;
}

/** The plant of a simulator configuration: its plant file or the built-in demo plant, starting now unless told otherwise. */
export function buildPlant(simulator: SimulatorConfig): Plant {
  const description = simulator.plantFile !== undefined ? loadPlantDescription(simulator.plantFile) : defaultPlantDescription();
  // The configured start, else the plant file's, else now (so a real-time run carries current timestamps).
  const startTime = simulator.startTime !== undefined ? Date.parse(simulator.startTime) : description.startTime !== undefined ? undefined : Date.now();
  return createPlant(description, {
    ...(simulator.seed !== undefined ? { seed: simulator.seed } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
    stepMs: simulator.stepMs,
  });
}

/**
 * A virtual plant on the real protocols: the plant and its clock, MQTT (JSON and/or Sparkplug B),
 * Modbus TCP servers, an OPC UA server and the control API, each optional.
 */
export async function startSimulation(config: SimulateConfig, logger: Logger, options: { plant?: Plant } = {}): Promise<RunningSimulation> {
  const owned = new ResourceStack();
  try {
    const simulator = config.simulator;
    const plant = options.plant ?? (config.replay.file !== '' ? createReplayPlant({ file: config.replay.file }) : buildPlant(simulator));
    logger.info('plant built', {
      machines: plant.machines().length,
      tags: plant.tags.length,
      seed: plant.seed,
      start: new Date(plant.now).toISOString(),
      speed: simulator.speed,
    });

    // Ground truth: every fault event is logged and appended to <dataDir>/labels.jsonl as it happens.
    const dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const labelsFile = join(dataDir, 'labels.jsonl');
    const faultLogger = logger.child({ part: 'sim-faults' });
    const stopListening = plant.on((event) => {
      if (event.type === 'fault-injected' || event.type === 'fault-cleared' || event.type === 'failure') {
        faultLogger.info(event.type, { ...event.label });
        appendFileSync(labelsFile, `${JSON.stringify({ event: event.type, at: event.type === 'failure' ? event.at : plant.now, ...event.label })}\n`);
      } else if (event.type === 'state-changed') {
        faultLogger.debug('machine state', { machine: event.machine, from: event.from, to: event.to, reason: event.reason });
      }
    });
    owned.defer(stopListening);

    const mqttLogger = logger.child({ part: 'sim-mqtt' });
    const json = config.mqtt.json.enabled
      ? owned.add(
          await startJsonPublisher(
            plant,
            {
              url: config.mqtt.url,
              clientId: `shopfloor-sim-json-${process.pid}`,
              qos: config.mqtt.json.qos,
              batching: config.mqtt.json.batching,
              maxInFlight: config.mqtt.json.maxInFlight,
              ...(config.mqtt.json.topicPrefix !== '' ? { topicPrefix: config.mqtt.json.topicPrefix } : {}),
            },
            { logger: mqttLogger },
          ),
        )
      : undefined;
    const sparkplug = config.mqtt.sparkplug.enabled
      ? owned.add(
          await startSparkplugEdgeNode(
            plant,
            {
              url: config.mqtt.url,
              groupId: config.mqtt.sparkplug.groupId,
              edgeNodeId: config.mqtt.sparkplug.edgeNodeId,
              devices: 'per-machine',
              ...(config.mqtt.sparkplug.primaryHostId !== '' ? { primaryHostId: config.mqtt.sparkplug.primaryHostId } : {}),
            },
            { logger: mqttLogger },
          ),
        )
      : undefined;

    const modbus = config.modbus.enabled
      ? owned.add(
          await startModbusServers(
            plant,
            { host: config.modbus.host, basePort: config.modbus.basePort, unitId: config.modbus.unitId },
            { logger: logger.child({ part: 'sim-modbus' }) },
          ),
        )
      : undefined;
    let opcuaUrl: string | undefined;
    if (config.opcua.enabled) {
      // node-opcua is large: load it only when OPC UA is on.
      const { startOpcUaServer } = await import('@shopfloor/simulator-opcua');
      const server = owned.add(
        await startOpcUaServer(plant, { port: config.opcua.port, host: config.opcua.host }, { logger: logger.child({ part: 'sim-opcua' }) }),
      );
      opcuaUrl = server.endpointUrl;
    }

    let controlUrl: string | undefined;
    let newControlToken: string | undefined;
    if (config.control.enabled) {
      const tokens = new FileTokenStore(join(dataDir, 'tokens.json'));
      newControlToken = tokens.ensureAdminToken();
      if (newControlToken !== undefined) writeFileSync(join(dataDir, 'control-token'), `${newControlToken}\n`, { mode: 0o600 });
      const control = owned.add(
        await startSimulatorControlServer(
          plant,
          { host: config.control.host, port: config.control.port },
          { tokens, logger: logger.child({ part: 'sim-control' }) },
        ),
      );
      controlUrl = control.url;
    }

    const clock = owned.add(
      createSimulationClock({ speed: simulator.speed, tickMs: simulator.tickMs }, plant, { logger: logger.child({ part: 'sim-clock' }) }),
    );
    clock.onTick((simTime) => {
      json?.publishDue(simTime);
      sparkplug?.publishDue(simTime);
    });
    clock.start();
    return {
      plant,
      clock,
      json,
      sparkplug,
      modbus: modbus?.servers ?? [],
      opcuaUrl,
      controlUrl,
      newControlToken,
      close: () => owned.close(),
    };
  } catch (error) {
    await owned.close().catch(() => undefined);
    throw error;
  }
}
