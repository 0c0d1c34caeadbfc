import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Publishes with the Debian `mosquitto_pub` C client (a real, independent MQTT client). */
export async function mosquittoPub(port: number, topic: string, message: string | Buffer, options: { qos?: 0 | 1 | 2; clientId?: string } = {}): Promise<void> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-q', String(options.qos ?? 1), '-t', topic];
  if (options.clientId !== undefined) args.push('-i', options.clientId);
  if (Buffer.isBuffer(message)) {
    const child = execFile('mosquitto_pub', [...args, '-s']);
    child.stdin?.end(message);
    await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited with ${code}`)))));
    return;
  }
  await run('mosquitto_pub', [...args, '-m', message]);
}

/** Collects `count` messages with `mosquitto_sub` (or stops after `timeoutSeconds`). */
export async function mosquittoSub(port: number, topic: string, count: number, timeoutSeconds = 5): Promise<string[]> {
  const { stdout } = await run('mosquitto_sub', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-t',
    topic,
    '-C',
    String(count),
    '-W',
    String(timeoutSeconds),
    '-v',
  ]).catch((error: unknown) => ({ stdout: (error as { stdout?: string }).stdout ?? '' }));
  return stdout.split('\n').filter((line) => line.length > 0);
}
