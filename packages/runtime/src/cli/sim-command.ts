import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

interface ControlOptions {
  url: string;
  token?: string;
  dataDir: string;
}

/** `shopfloor sim …`: drive a running simulator through its control API. */
export function addSimCommand(program: Command): void {
  const sim = program
    .command('sim')
    .description('Control a running simulator: list machines, inject and clear faults, set states and setpoints, read the ground-truth labels.')
    .option('--url <url>', 'control API of the simulator (the demo serves it on its node API, e.g. http://127.0.0.1:8080)', 'http://127.0.0.1:8090')
    .option('--token <token>', 'API token (default: $SHOPFLOOR_TOKEN, else <data-dir>/control-token or admin-token)')
    .option('-d, --data-dir <dir>', 'data directory holding the token file', './data/simulator');

  const call = async (command: Command, method: string, path: string, body?: unknown) => {
    const options = command.optsWithGlobals<ControlOptions>();
    const token = options.token ?? process.env['SHOPFLOOR_TOKEN'] ?? readToken(options.dataDir);
    if (token === undefined) throw new Error(`no token: pass --token, set SHOPFLOOR_TOKEN, or point --data-dir at the simulator's data directory`);
    const response = await fetch(`${options.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }).catch((error: unknown) => {
      throw new Error(`cannot reach the simulator at ${options.url}: ${(error as Error).message}`);
    });
    const parsed = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      const error = parsed['error'] as { code: string; message: string } | undefined;
      throw new Error(`${response.status} ${error?.code ?? ''}: ${error?.message ?? JSON.stringify(parsed)}`);
    }
    process.stdout.write(JSON.stringify(parsed, null, 2) + '\n');
  };

  sim
    .command('machines')
    .description('List the machines and their states.')
    .action(async (_options: unknown, command: Command) => call(command, 'GET', '/sim/v1/machines'));
  sim
    .command('labels')
    .description('Print the ground-truth fault labels.')
    .action(async (_options: unknown, command: Command) => call(command, 'GET', '/sim/v1/labels'));
  sim
    .command('fault')
    .description('Inject a fault: bearing-wear, imbalance, misalignment, cavitation, overheating, sensor-drift, stuck-sensor, dropped-link.')
    .argument('<machine>', 'machine path or id')
    .argument('<kind>', 'fault kind')
    .option('--severity <0-1>', 'how bad at its start')
    .option('--time-to-failure <minutes>', 'for progressive faults: minutes of simulated time until failure')
    .option('--tag <name>', 'for sensor faults: the tag under the machine')
    .action(async (machine: string, kind: string, options: { severity?: string; timeToFailure?: string; tag?: string }, command: Command) =>
      call(command, 'POST', '/sim/v1/faults', {
        machine,
        kind,
        ...(options.severity !== undefined ? { severity: Number(options.severity) } : {}),
        ...(options.timeToFailure !== undefined ? { timeToFailureMs: Math.round(Number(options.timeToFailure) * 60_000) } : {}),
        ...(options.tag !== undefined ? { tag: options.tag } : {}),
      }),
    );
  sim
    .command('clear')
    .description('Clear a fault (repair) by its label id.')
    .argument('<id>', 'fault id from `shopfloor sim labels`')
    .action(async (id: string, _options: unknown, command: Command) => call(command, 'DELETE', `/sim/v1/faults/${encodeURIComponent(id)}`));
  sim
    .command('state')
    .description('Set a machine state: running, idle, starved, blocked, down, changeover, planned-stop.')
    .argument('<machine>', 'machine path or id')
    .argument('<state>', 'the state')
    .action(async (machine: string, state: string, _options: unknown, command: Command) =>
      call(command, 'PUT', `/sim/v1/machines/${machine}/state`, { state }),
    );
  sim
    .command('set')
    .description('Write a setpoint tag.')
    .argument('<tag>', 'tag path')
    .argument('<value>', 'new value (number, true/false or text)')
    .action(async (tag: string, value: string, _options: unknown, command: Command) =>
      call(command, 'PUT', `/sim/v1/setpoints/${tag}`, {
        value: value === 'true' ? true : value === 'false' ? false : Number.isNaN(Number(value)) ? value : Number(value),
      }),
    );
}

function readToken(dataDir: string): string | undefined {
  for (const name of ['control-token', 'admin-token']) {
    const file = join(dataDir, name);
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  }
  return undefined;
}
