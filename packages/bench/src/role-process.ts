import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeDefaults, type NodeConfig } from '@shopfloor/runtime';
import { freePort } from '@shopfloor/testkit';
import { sleep } from './stats.ts';

/** The built CLI, `shopfloor <role> --config <file>`: the node exactly as it ships. */
const bin = fileURLToPath(new URL('./bin.js', import.meta.resolve('@shopfloor/runtime')));
/** The same composition root (`startNode`) with the configuration taken as written. */
const childScript = fileURLToPath(new URL('./role-node-child.js', import.meta.url));

export type NodeRole = 'hub' | 'edge';

export interface RoleProcessOptions {
  readonly role: NodeRole;
  /** Changes the node's configuration (defaults, a temporary data directory, free ports, log level warn). */
  readonly adjust?: (config: NodeConfig) => void;
  /** Writes a V8 CPU profile per thread into this directory when the node exits (`node --cpu-prof`). */
  readonly profileDir?: string;
}

/** A complete node configuration on the defaults, for a node in `dir` on free ports. */
async function baseConfig(role: NodeRole, dir: string): Promise<NodeConfig> {
  const config = structuredClone(nodeDefaults);
  config.node = { id: `bench-${role}`, dataDir: join(dir, 'data') };
  config.log = { level: 'warn' };
  config.mqtt.broker = { embedded: { host: '127.0.0.1', port: await freePort() } };
  config.api = { ...config.api, host: '127.0.0.1', port: await freePort() };
  return config;
}

/**
 * Whether `shopfloor config check` accepts the file. The CLI merges the file onto the defaults,
 * and (at the time of writing) a JetStream transport for `edge.uplink` or `hub.receiver` merges
 * into the default MQTT branch and is refused; such a node is started through `startNode` instead.
 */
function cliAccepts(file: string): { ok: true } | { ok: false; problems: string } {
  const check = spawnSync(process.execPath, [bin, 'config', 'check', file], { encoding: 'utf8' });
  return check.status === 0 ? { ok: true } : { ok: false, problems: `${check.stdout}${check.stderr}`.trim() };
}

/**
 * A Shopfloor node (hub or edge) in its own process with a temporary data directory: the built CLI
 * when it accepts the configuration, else `startNode` in a child (`launch` says which).
 */
export class RoleProcess {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly apiUrl: string;
  readonly mqttUrl: string;
  readonly token: string;
  readonly config: NodeConfig;
  /** 'cli', or why the CLI could not be used. */
  readonly launch: string;

  private constructor(child: ChildProcess, dir: string, apiUrl: string, mqttUrl: string, token: string, config: NodeConfig, launch: string) {
    this.#child = child;
    this.#dir = dir;
    this.apiUrl = apiUrl;
    this.mqttUrl = mqttUrl;
    this.token = token;
    this.config = config;
    this.launch = launch;
  }

  static async start(options: RoleProcessOptions): Promise<RoleProcess> {
    const dir = mkdtempSync(join(tmpdir(), `sf-bench-${options.role}-`));
    const config = await baseConfig(options.role, dir);
    options.adjust?.(config);
    // YAML is a superset of JSON.
    const configFile = join(dir, 'shopfloor.yaml');
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const accepted = cliAccepts(configFile);
    const launch = accepted.ok ? 'cli' : `startNode (the CLI refuses the file: ${accepted.problems.split('\n')[0] ?? ''})`;
    const flags = options.profileDir !== undefined ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
    const args = accepted.ok ? [bin, options.role, '--config', configFile] : [childScript, options.role, configFile];
    const child = spawn(process.execPath, [...flags, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(`  [${options.role}] ${chunk.toString()}`);
    });
    const apiUrl = `http://127.0.0.1:${config.api.port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`the ${options.role} node exited with ${child.exitCode}:\n${output}`);
      }
      const token = /Admin API token[^:]*: (sf_\S+)/.exec(output)?.[1];
      const running = /Shopfloor is running\.\s+API \S+\s+MQTT (\S+)/.exec(output);
      if (token !== undefined && running?.[1] !== undefined) return new RoleProcess(child, dir, apiUrl, running[1], token, config, launch);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`the ${options.role} node did not start:\n${output}`);
      }
      await sleep(50);
    }
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) throw new Error('the node process has no pid');
    return pid;
  }

  /** The series of /metrics without labels, by name (labelled series under `name{labels}`). */
  async metrics(): Promise<Map<string, number>> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return values;
  }

  /** One series of /metrics (0 when absent: counters not yet touched). */
  async metric(name: string): Promise<number> {
    return (await this.metrics()).get(name) ?? 0;
  }

  /** SIGTERM (the node drains, flushes and exits), then removes the data directory. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
