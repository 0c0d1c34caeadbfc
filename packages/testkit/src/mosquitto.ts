import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface MosquittoServer {
  readonly port: number;
  readonly url: string;
  /**
   * Stops the broker (SIGTERM, so it saves its persistence file) and starts it again on the same
   * port with the same config and files: sessions and queued messages survive, connections do not.
   * `downMs` keeps the port closed that long in between.
   */
  restart(downMs?: number): Promise<void>;
  /** Stops the broker (SIGTERM) and removes its files. */
  close(): Promise<void>;
}

export interface MosquittoOptions {
  /** Extra lines for mosquitto.conf. */
  readonly extraConfig?: readonly string[];
}

/**
 * Starts the machine's Debian Mosquitto (`/usr/sbin/mosquitto`) on a free loopback port, with its own
 * config, for one test suite. Settings follow docs/mosquitto.md: in-flight and queue limits sized for
 * one QoS 1 ingest subscriber.
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sf-mosquitto-'));
  // Started as root, mosquitto drops to the `mosquitto` user and could not save its persistence file here.
  await chmod(dir, 0o777);
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(
    configFile,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'max_inflight_messages 1000',
      'max_queued_messages 1000000',
      'log_dest none',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  let child = await spawnMosquitto(configFile, port);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async restart(downMs = 0) {
      await stop();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await spawnMosquitto(configFile, port);
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function spawnMosquitto(configFile: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForPort(port, 5_000, () => (child.exitCode !== null ? `mosquitto exited with ${child.exitCode}: ${stderr}` : undefined));
  return child;
}

export async function waitForPort(port: number, timeoutMs: number, failed?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problem = failed?.();
    if (problem !== undefined) throw new Error(problem);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
