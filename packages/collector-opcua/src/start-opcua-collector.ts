import type { Collector, CollectorHealth, Logger, Pipeline } from '@shopfloor/engine';
import { InputError } from '@shopfloor/model';
import { checkOpcUaCollectorConfig } from './config-problems.ts';
import type { OpcUaCollectorConfig } from './config.ts';
import type { BindingProblem } from './resolve-bindings.ts';
import { OpcUaServerLink, type OpcUaBindingInfo } from './server-link.ts';

export interface OpcUaCollectorDeps {
  readonly pipeline: Pipeline;
  readonly logger: Logger;
  /** Clock for timestamps of points without one, bad marks and health (epoch ms); Date.now by default. */
  readonly now?: () => number;
}

/** The OPC UA collector: the engine's Collector, plus what it bound. */
export interface OpcUaCollector extends Collector {
  /** Every tag bound on the servers' current (or last) sessions. */
  bindings(): OpcUaBindingInfo[];
  /** What the last resolution on each server could not bind: nodes not found, browsed names that cannot be tag segments. */
  problems(): (BindingProblem & { readonly server: string })[];
}

/**
 * Starts one link per server (client, session, subscription, monitored items) and resolves once
 * each has made its first attempt. A server that cannot be reached does not stop the start: its
 * health says why and it is retried with back-off. Throws InputError (SF_CONFIG_INVALID) for an
 * invalid configuration, or when a server answered and lacks a configured NodeId, browse path or
 * browse root (every one named with its key path).
 */
export async function startOpcUaCollector(config: OpcUaCollectorConfig, deps: OpcUaCollectorDeps): Promise<OpcUaCollector> {
  checkOpcUaCollectorConfig(config);
  const logger = deps.logger.child({ collector: config.id, protocol: 'opc-ua' });
  const now = deps.now ?? Date.now;
  const links = config.servers.map((server, index) => new OpcUaServerLink(server, `servers[${index}]`, { pipeline: deps.pipeline, logger, now }));
  const firstAttempts = await Promise.all(links.map((link) => link.start()));
  const missing = firstAttempts.flatMap((attempt) => (attempt.connected ? attempt.missing : []));
  if (missing.length > 0) {
    await Promise.all(links.map((link) => link.close()));
    throw new InputError(
      'SF_CONFIG_INVALID',
      `OPC UA collector "${config.id}": ${missing.length === 1 ? 'a configured node was' : 'configured nodes were'} not found on the server:\n${missing
        .map((problem) => `${problem.origin}: ${problem.detail}`)
        .join('\n')}`,
    );
  }
  let closing: Promise<void> | undefined;
  return {
    id: config.id,
    health(): CollectorHealth {
      const devices = links.map((link) => link.health());
      let lastGoodReadAt: number | undefined;
      for (const device of devices) {
        if (device.lastGoodReadAt !== undefined && (lastGoodReadAt === undefined || device.lastGoodReadAt > lastGoodReadAt))
          lastGoodReadAt = device.lastGoodReadAt;
      }
      return {
        id: config.id,
        kind: 'opc-ua',
        connected: devices.every((device) => device.connected),
        ...(lastGoodReadAt !== undefined ? { lastGoodReadAt } : {}),
        errors: devices.reduce((sum, device) => sum + device.errors, 0),
        devices,
      };
    },
    bindings: () => links.flatMap((link) => link.bindings()),
    problems: () => links.flatMap((link) => link.problems().map((problem) => ({ ...problem, server: link.id }))),
    close: () => (closing ??= Promise.all(links.map((link) => link.close())).then(() => undefined)),
  };
}
