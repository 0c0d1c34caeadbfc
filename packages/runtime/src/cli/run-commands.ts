import type { Command } from 'commander';
import { requireConfig } from '../config/load-config.ts';
import { createLogger } from '../logger.ts';
import { startDemo, type RunningDemo } from '../roles/demo.ts';
import { startNode, type Role } from '../roles/node.ts';
import { closeOnSignals } from './signals.ts';

interface DemoOptions {
  config?: string;
  dataDir?: string;
  apiPort?: string;
  mqttPort?: string;
  plant?: string;
  seed?: string;
}

export function addRunCommands(program: Command): void {
  program
    .command('demo')
    .description(
      'All-in-one demo: the simulated plant publishing over MQTT to an edge node (embedded broker, processors, alarm rules, outbox) that forwards to a hub (SQLite history, the API). Needs no file.',
    )
    .option('-c, --config <file>', 'optional YAML configuration file')
    .option('-d, --data-dir <dir>', 'where data is kept (default ./data)')
    .option('--api-port <port>', 'HTTP API port (default 8080)')
    .option('--mqtt-port <port>', 'embedded MQTT broker port (default 1883)')
    .option('-p, --plant <file>', 'plant description for the simulator (default: the built-in plant)')
    .option('--seed <n>', 'simulator seed')
    .action(async (options: DemoOptions) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (options.dataDir !== undefined) env['SHOPFLOOR_NODE__DATA_DIR'] = options.dataDir;
      if (options.apiPort !== undefined) env['SHOPFLOOR_API__PORT'] = options.apiPort;
      if (options.mqttPort !== undefined) env['SHOPFLOOR_MQTT__BROKER__EMBEDDED__PORT'] = options.mqttPort;
      if (options.plant !== undefined) env['SHOPFLOOR_DEMO__SIMULATOR__PLANT_FILE'] = options.plant;
      if (options.seed !== undefined) env['SHOPFLOOR_DEMO__SIMULATOR__SEED'] = options.seed;
      const config = requireConfig(options.config, env);
      const logger = createLogger(config.log.level);
      const demo = await startDemo(config, logger);
      closeOnSignals(demo, logger);
      printWelcome(demo.node.apiUrl, demo.edge.mqttUrl, demo.node.dataDir, demo.node.newAdminToken, true, demoLines(demo));
    });

  for (const role of ['hub', 'edge'] as const satisfies readonly Role[]) {
    program
      .command(role)
      .description(
        role === 'hub'
          ? 'Run a hub: ingest MQTT (JSON and Sparkplug B), store history, serve the API.'
          : 'Run an edge node: collect from MQTT, Modbus TCP and OPC UA next to the machines, process, raise alarms, keep recent data and forward everything to a hub through a durable outbox.',
      )
      .requiredOption('-c, --config <file>', 'YAML configuration file (see docs/config.md)')
      .action(async (options: { config: string }) => {
        const config = requireConfig(options.config);
        const logger = createLogger(config.log.level);
        const node = await startNode(config, role, logger);
        closeOnSignals(node, logger);
        printWelcome(node.apiUrl, node.mqttUrl, node.dataDir, node.newAdminToken, false);
      });
  }
}

function demoLines(demo: RunningDemo): string[] {
  const plant = demo.simulation.plant;
  // The built-in plant schedules bearing wear on its coolant pump from minute 1 to failure at minute 16.
  const pump = plant.machines().find((machine) => machine.id === 'coolant-pump')?.path;
  const lines = [
    `  Simulated plant: ${plant.machines().length} machines, ${plant.tags.length} tags under ${plant.enterprise}/…, publishing JSON over MQTT every second to the edge.`,
    `  Edge node ${demo.edge.apiUrl} (data ${demo.edge.dataDir}): vibration features from accelerometer blocks and their 1-minute statistics, alarm rules, an outbox forwarding to the hub.`,
    `    curl -s -H "Authorization: Bearer $(cat ${demo.node.dataDir}/admin-token)" '${demo.node.apiUrl}/api/v1/alarms/history'     (alarms the edge raised)`,
  ];
  if (pump !== undefined) {
    lines.push(`  A bearing fault develops on ${pump} from minute 1 (failure at minute 16):`);
    lines.push(
      `    npx shopfloor query --latest '${pump}/#'`,
      `    npx shopfloor sim labels --url ${demo.node.apiUrl} -d ${demo.node.dataDir}     (the ground truth)`,
    );
  }
  for (const server of demo.simulation.modbus) lines.push(`  Modbus TCP  ${server.plc} on 127.0.0.1:${server.port} (docs/modbus-register-map.md)`);
  if (demo.simulation.opcuaUrl !== undefined) lines.push(`  OPC UA      ${demo.simulation.opcuaUrl}`);
  return lines;
}

function printWelcome(apiUrl: string, mqttUrl: string, dataDir: string, newToken: string | undefined, demo: boolean, extra: string[] = []): void {
  const lines = ['', `  Shopfloor is running.  API ${apiUrl}   MQTT ${mqttUrl}   data ${dataDir}`];
  if (extra.length > 0) lines.push(...extra);
  if (newToken !== undefined) {
    lines.push('', `  Admin API token (shown once; only its hash is stored): ${newToken}`);
    if (demo) lines.push(`  It is also in ${dataDir}/admin-token.`);
  } else {
    lines.push('', `  Use the admin token printed on the first start${demo ? ` (also in ${dataDir}/admin-token)` : ''}.`);
  }
  const token = demo ? `$(cat ${dataDir}/admin-token)` : '<token>';
  lines.push(
    '',
    '  Try:',
    `    curl -s -H "Authorization: Bearer ${token}" '${apiUrl}/api/v1/latest?filter=%23'`,
    `    mosquitto_pub -h ${new URL(mqttUrl).hostname} -p ${new URL(mqttUrl).port} -q 1 -t acme/plant1/lab/bench/cell1/probe/temperature -m '{"value": 21.5}'`,
    `    npx shopfloor query acme/plant1/lab/bench/cell1/probe/temperature --url ${apiUrl}`,
    '',
    '  Ctrl-C stops it cleanly; the next start resumes on the same data.',
    '',
  );
  process.stdout.write(lines.join('\n') + '\n');
}
