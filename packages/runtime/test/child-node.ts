import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const running = new Set<ChildProcess>();

/** Kills every node a test started and did not stop (a failed assertion must not leave one behind). */
export function killChildNodes(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export interface ChildNode {
  readonly process: ChildProcess;
  readonly output: () => string;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

/** Runs `shopfloor hub --config <file>` as a separate process (the built CLI), for crash tests. */
export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, 'shopfloor.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export async function startChildNode(configFile: string, apiUrl: string, role: 'hub' | 'edge' = 'hub'): Promise<ChildNode> {
  const child = spawn(process.execPath, [bin, role, '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the node exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${apiUrl}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy && output.includes('Shopfloor is running')) break;
    if (Date.now() > deadline) throw new Error(`the node did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
