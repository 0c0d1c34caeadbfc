import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@shopfloor/testkit';
import { sleep } from './stats.ts';

/** The built CLI, `shopfloor hub --config <file>`: the node exactly as it ships. */
const bin = fileURLToPath(new URL('./bin.js', import.meta.resolve('@shopfloor/runtime')));

export interface NodeProcessOptions {
  /** Embedded aedes broker, or an external broker (JSON over the persistent MQTT 5 session). */
  readonly broker: 'embedded' | { readonly url: string; readonly clientId: string };
  /** JSON topic filters the node ingests. */
  readonly jsonTopics?: readonly string[];
  /** Writes a V8 CPU profile per thread into this directory when the node exits (`node --cpu-prof`). */
  readonly profileDir?: string;
}

export interface IngestCounters {
  readonly received: number;
  readonly stored: number;
  readonly rejected: number;
  readonly pending: number;
  readonly failed: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
}

/** A Shopfloor node in its own process, started through the CLI with a temporary data directory. */
export class NodeProcess {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly apiUrl: string;
  readonly mqttUrl: string;
  readonly token: string;

  private constructor(child: ChildProcess, dir: string, apiUrl: string, mqttUrl: string, token: string) {
    this.#child = child;
    this.#dir = dir;
    this.apiUrl = apiUrl;
    this.mqttUrl = mqttUrl;
    this.token = token;
  }

  static async start(options: NodeProcessOptions): Promise<NodeProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'sf-bench-node-'));
    const [apiPort, mqttPort] = [await freePort(), await freePort()];
    const broker =
      options.broker === 'embedded'
        ? { embedded: { host: '127.0.0.1', port: mqttPort } }
        : { external: { url: options.broker.url, clientId: options.broker.clientId } };
    const config = {
      node: { id: 'bench', dataDir: join(dir, 'data') },
      log: { level: 'warn' },
      // The file is merged onto the defaults: only what the benchmark changes is written.
      mqtt: { broker, ...(options.jsonTopics !== undefined ? { ingest: { json: { topics: options.jsonTopics } } } : {}) },
      api: { host: '127.0.0.1', port: apiPort },
    };
    // YAML is a superset of JSON.
    const configFile = join(dir, 'shopfloor.yaml');
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const flags = options.profileDir !== undefined ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
    const child = spawn(process.execPath, [...flags, bin, 'hub', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(`  [node] ${chunk.toString()}`);
    });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the node exited with ${child.exitCode}:\n${output}`);
      const token = /Admin API token[^:]*: (sf_\S+)/.exec(output)?.[1];
      const running = /Shopfloor is running\.\s+API \S+\s+MQTT (\S+)/.exec(output);
      if (token !== undefined && running?.[1] !== undefined) return new NodeProcess(child, dir, apiUrl, running[1], token);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the node did not start:\n${output}`);
      }
      await sleep(50);
    }
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) throw new Error('the node process has no pid');
    return pid;
  }

  /** `shopfloor_points_stored_total` from the public /metrics. */
  async storedTotal(): Promise<number> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const match = /^shopfloor_points_stored_total (\d+)/m.exec(text);
    if (match === null) throw new Error('shopfloor_points_stored_total is missing from /metrics');
    return Number(match[1]);
  }

  /** Pipeline batches so far (one store.write each; the store joins writes queued behind an in-flight commit), from /metrics. */
  async commitStats(): Promise<{ commits: number; pointsPerCommit: number; meanCommitMs: number }> {
    const text = await (await fetch(`${this.apiUrl}/metrics`)).text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    const commits = read('shopfloor_batches_total');
    return {
      commits,
      pointsPerCommit: read('shopfloor_points_stored_total') / commits,
      meanCommitMs: (1_000 * read('shopfloor_commit_seconds_sum')) / read('shopfloor_commit_seconds_count'),
    };
  }

  /** Notes line for a benchmark: the pipeline batches the node wrote over all its runs. */
  async commitNote(): Promise<string> {
    const { commits, pointsPerCommit, meanCommitMs } = await this.commitStats();
    return `${Math.round(pointsPerCommit).toLocaleString('en-US')} points per batch on average (${commits.toLocaleString('en-US')} batches over all runs incl. warm-up, each one store.write; mean store.write → durable ${meanCommitMs.toFixed(2)} ms).`;
  }

  /** The node's ingest counters (`GET /api/v1/ingest`, needs the admin token). */
  async ingest(): Promise<IngestCounters> {
    const response = await fetch(`${this.apiUrl}/api/v1/ingest`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new Error(`GET /api/v1/ingest: ${response.status} ${await response.text()}`);
    return (await response.json()) as IngestCounters;
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
