import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@shopfloor/runtime';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sf-cli-'));

async function shopfloor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the shopfloor command', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has --help on the program and on every subcommand', async () => {
    const top = await shopfloor(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['demo', 'hub', 'edge', 'simulate', 'sim', 'query', 'config']) expect(top.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const command of [['demo'], ['hub'], ['edge'], ['simulate'], ['sim', 'fault'], ['query'], ['config', 'check'], ['config', 'keys']]) {
      const help = await shopfloor([...command, '--help']);
      expect({ command, code: help.code, usage: help.stdout.startsWith(`Usage: shopfloor ${command.join(' ')}`) }).toEqual({ command, code: 0, usage: true });
    }
  });

  it('config check names the file, key path, what was expected and what was found, for every problem', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'node:\n  id: hub1\n  dataDri: /tmp/x\napi:\n  port: 70000\npipeline:\n  unknownTags: maybe\n');
    const result = await shopfloor(['config', 'check', file]);
    expect(result.code).toBe(1);
    expect(
      result.stderr
        .split('\n')
        .filter((line) => line.startsWith(file))
        .sort(),
    ).toEqual(
      [
        `${file}: node.dataDri: expected no such key (known: id, dataDir), found "dataDri"`,
        `${file}: api.port: expected a number <= 65535, found number 70000`,
        `${file}: pipeline.unknownTags: expected "register" or "refuse", found string "maybe"`,
      ].sort(),
    );
    expect(result.stderr).toContain('3 problems');
  });

  it('config check refuses YAML it cannot parse, naming the line', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'api:\n  port: [1, 2\n');
    const result = await shopfloor(['config', 'check', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${file}: \\(file\\): expected valid YAML, found a syntax error at line \\d+`, 'm'));
  });

  it('environment variables override the file and are named when wrong', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      'node:\n  id: hub1\n  dataDir: /tmp/sf-hub1\nmqtt:\n  broker:\n    external:\n      url: mqtt://127.0.0.1:1883\n      clientId: hub1\n',
    );
    expect((await shopfloor(['config', 'check', file])).stdout).toContain(`ok: ${file} is valid`);
    const loaded = loadConfig(file, { SHOPFLOOR_API__PORT: '9191', SHOPFLOOR_PIPELINE__UNKNOWN_TAGS: 'refuse' });
    expect(loaded.ok && [loaded.config.api.port, loaded.config.pipeline.unknownTags, loaded.config.node.id]).toEqual([9191, 'refuse', 'hub1']);
    const wrong = await shopfloor(['config', 'check', file], { SHOPFLOOR_API__PORT: 'eighty' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('environment: api.port: expected a value of type integer, found string "eighty"');
  });

  it('overrides one setting of the embedded broker without losing the others, and switches to an external broker whole', () => {
    const port = loadConfig(undefined, { SHOPFLOOR_MQTT__BROKER__EMBEDDED__PORT: '2883' });
    expect(port.ok && port.config.mqtt.broker).toEqual({ embedded: { host: '127.0.0.1', port: 2883 } });
    const external = loadConfig(undefined, {
      SHOPFLOOR_MQTT__BROKER__EXTERNAL__URL: 'mqtt://10.0.0.5:1883',
      SHOPFLOOR_MQTT__BROKER__EXTERNAL__CLIENT_ID: 'hub9',
    });
    expect(external.ok && external.config.mqtt.broker).toEqual({ external: { url: 'mqtt://10.0.0.5:1883', clientId: 'hub9' } });
  });

  it('switches the uplink and the receiver to JetStream whole, from a file and from the environment', () => {
    const file = join(dir, 'jetstream.yaml');
    writeFileSync(
      file,
      'edge:\n  uplink:\n    enabled: true\n    transport:\n      jetstream: { servers: [nats://10.0.0.9:4222], stream: UPLINK, subjectPrefix: uplink }\n',
    );
    const edge = loadConfig(file, {});
    expect(edge.ok && edge.config.edge.uplink.transport).toEqual({
      jetstream: { servers: ['nats://10.0.0.9:4222'], stream: 'UPLINK', subjectPrefix: 'uplink' },
    });
    const hub = loadConfig(undefined, {
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__SERVERS: '[nats://127.0.0.1:4222]',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__STREAM: 'UPLINK',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__SUBJECT_PREFIX: 'uplink',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__DURABLE: 'hub',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__MAX_ACK_PENDING: '1000',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__ACK_WAIT_MS: '30000',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__DUPLICATE_WINDOW_MS: '120000',
      SHOPFLOOR_HUB__RECEIVER__TRANSPORT__JETSTREAM__MAX_STREAM_BYTES: '-1',
    });
    expect(hub.ok ? Object.keys(hub.config.hub.receiver.transport) : hub.problems).toEqual(['jetstream']);
  });

  it('hub refuses to start on an invalid file and says why', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'apii: {}\n');
    const result = await shopfloor(['hub', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: apii: expected no such key`);
  });
});
