import type { Command } from 'commander';
import { requireSimulateConfig } from '../config/load-config.ts';
import { createLogger } from '../logger.ts';
import { startSimulation } from '../roles/simulate.ts';
import { closeOnSignals } from './signals.ts';

interface SimulateOptions {
  config?: string;
  plant?: string;
  replay?: string;
  seed?: string;
  speed?: string;
  start?: string;
  mqttUrl?: string;
  sparkplug?: boolean;
  json?: boolean;
  modbusPort?: string;
  opcuaPort?: string;
  controlPort?: string;
}

export function addSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Run a virtual plant on the real protocols: MQTT (JSON, Sparkplug B), Modbus TCP, OPC UA, with a control API for faults, states and setpoints.',
    )
    .option('-c, --config <file>', 'YAML configuration (see docs/simulator.md); flags override it')
    .option('-p, --plant <file>', 'plant description (default: the built-in demo plant)')
    .option('--replay <csv>', 'serve a recording (tag,timestamp,value) instead of the simulated plant')
    .option('--seed <n>', 'random seed: the same seed and start give the same plant and signals')
    .option('--speed <factor>', 'simulated ms per wall ms (1 real time, 1440 a day per minute)')
    .option('--start <time>', 'simulated start (ISO 8601); with --speed above 1 choose a past start, or a receiving node refuses future timestamps')
    .option('--mqtt-url <url>', 'broker to publish to (default mqtt://127.0.0.1:1883)')
    .option('--no-json', 'do not publish unified-namespace JSON')
    .option('--sparkplug', 'also act as a Sparkplug B edge node (group "sim")')
    .option('--modbus-port <port>', 'first Modbus TCP port, one per line (default 5020; 0 = free ports)')
    .option('--opcua-port <port>', 'OPC UA port (default 4840; 0 = a free port)')
    .option('--control-port <port>', 'control API port (default 8090)')
    .action(async (options: SimulateOptions) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      const set = (key: string, value: string | undefined) => {
        if (value !== undefined) env[`SHOPFLOOR_${key}`] = value;
      };
      set('SIMULATOR__PLANT_FILE', options.plant);
      set('REPLAY__FILE', options.replay);
      set('SIMULATOR__SEED', options.seed);
      set('SIMULATOR__SPEED', options.speed);
      set('SIMULATOR__START_TIME', options.start);
      set('MQTT__URL', options.mqttUrl);
      if (options.json === false) set('MQTT__JSON__ENABLED', 'false');
      if (options.sparkplug === true) set('MQTT__SPARKPLUG__ENABLED', 'true');
      set('MODBUS__BASE_PORT', options.modbusPort);
      set('OPCUA__PORT', options.opcuaPort);
      set('CONTROL__PORT', options.controlPort);
      const config = requireSimulateConfig(options.config, env);
      const logger = createLogger(config.log.level);
      const simulation = await startSimulation(config, logger);
      closeOnSignals(simulation, logger);
      const lines = [
        '',
        `  Simulated plant running: ${simulation.plant.machines().length} machines, ${simulation.plant.tags.length} tags, seed ${simulation.plant.seed}, speed ${config.simulator.speed}×`,
      ];
      if (config.mqtt.json.enabled || config.mqtt.sparkplug.enabled)
        lines.push(
          `  MQTT     ${config.mqtt.url}${config.mqtt.json.enabled ? '  JSON' : ''}${config.mqtt.sparkplug.enabled ? `  Sparkplug spBv1.0/${config.mqtt.sparkplug.groupId}/…/${config.mqtt.sparkplug.edgeNodeId}` : ''}`,
        );
      for (const server of simulation.modbus) lines.push(`  Modbus   ${server.plc} on 127.0.0.1:${server.port}`);
      if (simulation.opcuaUrl !== undefined) lines.push(`  OPC UA   ${simulation.opcuaUrl}`);
      if (simulation.controlUrl !== undefined) {
        lines.push(`  Control  ${simulation.controlUrl}/sim/v1/machines   (token in ${config.dataDir}/control-token)`);
        if (simulation.newControlToken !== undefined) lines.push(`  Control token (shown once): ${simulation.newControlToken}`);
      }
      lines.push('', '  Ctrl-C stops it.', '');
      process.stdout.write(lines.join('\n') + '\n');
    });
}
