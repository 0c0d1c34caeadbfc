/**
 * `node role-node-child.js <hub|edge> <config.json>`: a node started through `startNode`, the same
 * composition root as `shopfloor hub|edge`, with the configuration taken as it is (no merge onto
 * the defaults). Used where the CLI cannot load the configuration (see role-process.ts); prints
 * the same start lines as the CLI and closes cleanly on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createLogger, startNode, type NodeConfig } from '@shopfloor/runtime';

async function main(): Promise<void> {
  const [role, file] = process.argv.slice(2);
  if ((role !== 'hub' && role !== 'edge') || file === undefined) throw new Error('usage: role-node-child.js <hub|edge> <config.json>');
  const config = JSON.parse(readFileSync(file, 'utf8')) as NodeConfig;
  const logger = createLogger(config.log.level);
  const node = await startNode(config, role, logger);
  let closing = false;
  const stop = (): void => {
    if (closing) process.exit(130);
    closing = true;
    node.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`close failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const lines = [`  Shopfloor is running.  API ${node.apiUrl}   MQTT ${node.mqttUrl}   data ${node.dataDir}`];
  if (node.newAdminToken !== undefined) lines.push(`  Admin API token (shown once; only its hash is stored): ${node.newAdminToken}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`node failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
