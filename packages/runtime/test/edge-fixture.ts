import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { createSilentLogger, type Logger } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { nodeDefaults, startNode, type NodeConfig, type RunningNode } from '@shopfloor/runtime';
import { testApi, type TestApi } from '@shopfloor/testkit';

export type Transport = 'mqtt' | 'jetstream';

/** Where the edge sends and the hub receives; the edge may go through a fault proxy (`edgeUrl`). */
export interface LinkSettings {
  readonly transport: Transport;
  /** The hub's side: the broker or NATS server. */
  readonly hubUrl: string;
  /** The edge's side: the same server, or a proxy in front of it. */
  readonly edgeUrl: string;
  /** Unique per test: topic prefix (MQTT) or stream/subject names (JetStream). */
  readonly name: string;
}

export interface TestNode {
  readonly node: RunningNode;
  readonly api: TestApi;
  /** The admin token of the node's data directory. */
  readonly token: string;
  readonly dataDir: string;
  readonly config: NodeConfig;
  close(): Promise<void>;
  /** Removes the data directory (after close). */
  remove(): void;
}

function baseConfig(id: string, dataDir: string): NodeConfig {
  return {
    ...structuredClone(nodeDefaults),
    node: { id, dataDir },
    mqtt: { ...structuredClone(nodeDefaults.mqtt), broker: { embedded: { host: '127.0.0.1', port: 0 } } },
    api: { ...nodeDefaults.api, port: 0 },
    store: { ...nodeDefaults.store, checkpointSeconds: 1 },
  };
}

async function start(config: NodeConfig, role: 'hub' | 'edge', logger: Logger): Promise<TestNode> {
  const node = await startNode(config, role, logger);
  if (node.newAdminToken !== undefined) tokens.set(config.node.dataDir, node.newAdminToken);
  const token = readToken(config.node.dataDir);
  return {
    node,
    api: testApi(node.apiUrl, token),
    token,
    dataDir: config.node.dataDir,
    config,
    close: () => node.close(),
    remove: () => rmSync(config.node.dataDir, { recursive: true, force: true }),
  };
}

const tokens = new Map<string, string>();
function readToken(dataDir: string): string {
  const token = tokens.get(dataDir);
  if (token === undefined) throw new Error(`no admin token remembered for ${dataDir}`);
  return token;
}

/** Starts a hub whose uplink receiver listens on `link`. Pass `dataDir` to restart one on its data. */
export async function startHub(link: LinkSettings, options: { dataDir?: string; logger?: Logger } = {}): Promise<TestNode> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sf-hub-'));
  const config = baseConfig('hub', dataDir);
  config.hub.receiver = {
    ...config.hub.receiver,
    enabled: true,
    controlTimeoutMs: 2_000,
    transport:
      link.transport === 'mqtt'
        ? { mqtt: { url: link.hubUrl, topicPrefix: link.name, clientId: `hub-${link.name}`, sessionExpirySeconds: 3_600 } }
        : {
            jetstream: {
              servers: [link.hubUrl],
              stream: link.name,
              subjectPrefix: link.name,
              durable: `hub-${link.name}`,
              maxAckPending: 1_000,
              ackWaitMs: 5_000,
              duplicateWindowMs: 120_000,
              maxStreamBytes: -1,
            },
          },
  };
  return start(config, 'hub', options.logger ?? createSilentLogger());
}

/** Starts an edge that forwards to `link.edgeUrl`; `adjust` changes its configuration. */
export async function startEdge(
  id: string,
  link: LinkSettings,
  options: { dataDir?: string; logger?: Logger; adjust?: (config: NodeConfig) => void } = {},
): Promise<TestNode> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sf-edge-'));
  const config = baseConfig(id, dataDir);
  config.edge = {
    ...config.edge,
    tickMs: 50,
    statusSeconds: 1,
    uplink: {
      ...config.edge.uplink,
      enabled: true,
      ackTimeoutMs: 2_000,
      keepaliveSeconds: 2,
      connectTimeoutMs: 1_000,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5, stableAfterMs: 2_000 },
      transport:
        link.transport === 'mqtt'
          ? { mqtt: { url: link.edgeUrl, topicPrefix: link.name, qos: 1 } }
          : { jetstream: { servers: [link.edgeUrl], stream: link.name, subjectPrefix: link.name } },
    },
  };
  options.adjust?.(config);
  return start(config, 'edge', options.logger ?? createSilentLogger());
}

/** What a publisher sent and what the broker acknowledged (QoS 1 PUBACK = committed at the edge). */
export interface PublishLog {
  readonly attempted: Point[];
  readonly acknowledged: Point[];
}

/**
 * Publishes JSON batches (QoS 1) to the edge's broker at about `pointsPerSecond` over `tags` tags
 * until `stop()` resolves; every point has a unique (tag, ts).
 */
export async function startPublisher(
  mqttUrl: string,
  tags: readonly string[],
  pointsPerSecond: number,
): Promise<{ readonly log: PublishLog; stop(): Promise<void> }> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: `pub-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 200 });
  const log: PublishLog = { attempted: [], acknowledged: [] };
  const perTick = Math.max(1, Math.round(pointsPerSecond / 50));
  let ts = Date.now() - 60_000;
  let index = 0;
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const byTag = new Map<string, Point[]>();
    for (let n = 0; n < perTick; n++) {
      const tag = tags[index % tags.length] as string;
      if (index % tags.length === 0) ts += 1;
      index++;
      const point: Point = { tag, ts, value: Math.round(Math.sin(index / 100) * 1_000) / 10, quality: 'good' };
      const list = byTag.get(tag) ?? [];
      list.push(point);
      byTag.set(tag, list);
    }
    for (const [tag, points] of byTag) {
      log.attempted.push(...points);
      const sent = client.publishAsync(tag, JSON.stringify({ points: points.map((point) => ({ ts: point.ts, value: point.value })) }), { qos: 1 }).then(
        () => void log.acknowledged.push(...points),
        () => undefined,
      );
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    }
  }, 20);
  return {
    log,
    async stop() {
      clearInterval(timer);
      await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await client.endAsync(true);
    },
  };
}

/** Every point of `tags` the node stores, by tag, ascending. */
export async function storedPoints(node: RunningNode, tags: readonly string[]): Promise<Map<string, Point[]>> {
  const found = new Map<string, Point[]>();
  for (const tag of tags) found.set(tag, await node.store.range(tag, { from: 0, to: Number.MAX_SAFE_INTEGER }));
  return found;
}

/**
 * RELIABILITY.md §3: attempted / acknowledged / stored / lost / unexpected / duplicated for one hop.
 * `delivered` is what the hub's pipeline received (it receives nothing but the uplink in these
 * tests); `duplicatedBefore` the messages the receiver recognised as already done.
 */
export function reliabilityLine(
  hop: string,
  attempted: readonly Point[],
  acknowledged: readonly Point[],
  stored: Map<string, Point[]>,
  counts: { readonly duplicatedBefore: number; readonly delivered: number | undefined },
): { line: string; lost: number; unexpected: number; duplicatedAfter: number } {
  const keys = new Set<string>();
  for (const [tag, points] of stored) for (const point of points) keys.add(`${tag}\u0000${point.ts}`);
  const duplicatedBefore = counts.duplicatedBefore;
  const acked = new Set(acknowledged.map((point) => `${point.tag}\u0000${point.ts}`));
  let lost = 0;
  for (const key of acked) if (!keys.has(key)) lost++;
  const tried = new Set(attempted.map((point) => `${point.tag}\u0000${point.ts}`));
  let unexpected = 0;
  for (const key of keys) if (!tried.has(key)) unexpected++;
  // Points the hub's pipeline was handed beyond the distinct ones stored: a duplicate that passed dedupe.
  const duplicatedAfter = counts.delivered === undefined ? 0 : counts.delivered - keys.size;
  const line = `${hop}: attempted ${tried.size} / acknowledged ${acked.size} / stored ${keys.size} / lost ${lost} / unexpected ${unexpected} / duplicated-before-dedupe ${duplicatedBefore} / duplicated-after-dedupe ${counts.delivered === undefined ? 'n/a (the hub restarted: its counters restarted)' : duplicatedAfter}`;
  return { line, lost, unexpected, duplicatedAfter };
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
