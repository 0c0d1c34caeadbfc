import { spawn } from 'node:child_process';
import mqtt from 'mqtt';

export interface SubscriberLine {
  readonly topic: string;
  /** The payload as text (`text`) or as its bytes (`hex`, decoded from mosquitto_sub's hex output). */
  readonly payload: string;
  readonly bytes: Buffer;
}

export interface LiveSubscriber {
  readonly lines: SubscriberLine[];
  waitFor(check: (lines: readonly SubscriberLine[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const readyTopic = 'test/subscriber-ready';

/**
 * Runs the Debian `mosquitto_sub` C client on `topics` and collects its output line by line while it
 * runs (`-F '%t %x'`: topic and hex payload, so binary Sparkplug payloads survive). Resolves once the
 * subscription is in place: it publishes a sentinel until mosquitto_sub prints it.
 */
export async function startLiveMosquittoSub(port: number, topics: readonly string[]): Promise<LiveSubscriber> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-F', '%t %x', '-q', '1'];
  for (const topic of [...topics, readyTopic]) args.push('-t', topic);
  const child = spawn('mosquitto_sub', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: SubscriberLine[] = [];
  let buffered = '';
  let ready = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const space = line.indexOf(' ');
      const topic = space < 0 ? line : line.slice(0, space);
      const bytes = Buffer.from(space < 0 ? '' : line.slice(space + 1), 'hex');
      if (topic === readyTopic) ready = true;
      else lines.push({ topic, payload: bytes.toString('utf8'), bytes });
      newline = buffered.indexOf('\n');
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clean: true, reconnectPeriod: 0 });
  try {
    await until(
      () => {
        if (!ready) void probe.publishAsync(readyTopic, 'ready', { qos: 0 });
        return ready;
      },
      'mosquitto_sub to subscribe',
      5_000,
    );
  } finally {
    await probe.endAsync();
  }
  return {
    lines,
    waitFor: (check, what, timeoutMs = 10_000) =>
      until(
        () => check(lines),
        what,
        timeoutMs,
        () => `${lines.length} lines`,
      ),
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function until(check: () => boolean, what: string, timeoutMs = 10_000, state?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${state === undefined ? '' : ` (${state()})`}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
