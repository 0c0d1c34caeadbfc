import type { Command } from 'commander';
import { configKeysMarkdown } from '../config/describe-config.ts';
import { formatProblems, loadConfig } from '../config/load-config.ts';

export function addConfigCommand(program: Command): void {
  const config = program.command('config').description('Work with configuration files.');
  config
    .command('check')
    .description('Validate a configuration file (with environment overrides) and print every problem, or the effective configuration.')
    .argument('[file]', 'YAML file; without it, the defaults and environment are checked')
    .option('--print', 'print the effective configuration (secrets redacted)')
    .action((file: string | undefined, options: { print?: boolean }) => {
      const loaded = loadConfig(file);
      if (!loaded.ok) {
        process.stderr.write(`${formatProblems(loaded.problems)}\n${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`ok: ${file ?? '(no file)'} is valid (from ${loaded.sources.join(' ← ')})\n`);
      if (options.print === true)
        process.stdout.write(JSON.stringify(loaded.config, (key, value: unknown) => (key === 'password' ? '[redacted]' : value), 2) + '\n');
    });
  config
    .command('keys')
    .description('Print every configuration key with its type, default and meaning (the tables of docs/config.md).')
    .option('--simulate', 'the keys of `shopfloor simulate` instead of a node')
    .action((options: { simulate?: boolean }) => {
      process.stdout.write(configKeysMarkdown(options.simulate === true ? 'simulate' : 'node') + '\n');
    });
}
