#!/usr/bin/env node
import { Command } from 'commander';
import { addConfigCommand } from './cli/config-command.ts';
import { addQueryCommand } from './cli/query-command.ts';
import { addRunCommands } from './cli/run-commands.ts';
import { addRulesCommand } from './cli/rules-command.ts';
import { addSimCommand } from './cli/sim-command.ts';
import { addSimulateCommand } from './cli/simulate-command.ts';
import { version } from './roles/node.ts';

const program = new Command('shopfloor')
  .description('Shopfloor: open, self-hosted industrial IoT platform. Run a node (demo, hub, edge), query it, check its configuration.')
  .version(version)
  .showHelpAfterError();
addRunCommands(program);
addSimulateCommand(program);
addSimCommand(program);
addQueryCommand(program);
addConfigCommand(program);
addRulesCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`shopfloor: ${message}\n`);
  process.exit(1);
});
