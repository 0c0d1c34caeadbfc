/** An edge → hub link over the machine's nats-server, with names unique to one benchmark run. */
import { readdirSync, readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NodeConfig } from '@shopfloor/runtime';
import { uplinkDefaults, type UplinkConfig } from '@shopfloor/uplink';

export const natsUrl = 'nats://127.0.0.1:4222';

/** Stream name and subject prefix (letters, digits, '-'), unique per call. */
export function linkName(label: string): string {
  return `bench-${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** The edge uplink's settings on JetStream (defaults otherwise, as the edge ships). */
export function uplinkOnJetStream(name: string): UplinkConfig {
  return { ...structuredClone(uplinkDefaults), transport: { jetstream: { servers: [natsUrl], stream: name, subjectPrefix: name } } };
}

/** A hub node's receiver on JetStream (it creates the stream and its durable consumer). */
export function hubReceiverOnJetStream(config: NodeConfig, name: string): void {
  config.hub.receiver = {
    ...config.hub.receiver,
    enabled: true,
    transport: {
      jetstream: {
        servers: [natsUrl],
        stream: name,
        subjectPrefix: name,
        durable: `hub-${name}`,
        maxAckPending: 1_000,
        ackWaitMs: 30_000,
        duplicateWindowMs: 120_000,
        maxStreamBytes: -1,
      },
    },
  };
}

/** An edge node's uplink on JetStream. */
export function edgeUplinkOnJetStream(config: NodeConfig, name: string): void {
  config.edge.uplink = { ...config.edge.uplink, ...uplinkOnJetStream(name), enabled: true };
}

/** Removes the run's stream (and its consumer) from the shared nats-server; a missing stream is fine. */
export async function deleteStream(name: string): Promise<void> {
  const nc = await connect({ servers: [natsUrl], name: 'bench-cleanup' });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** The pid of a process whose command name is `comm` (the machine's nats-server), if one runs. */
export function findProcess(comm: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) return Number(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return undefined;
}
