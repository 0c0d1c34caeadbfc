import type { OpcUaCollectorConfig } from './config.ts';
import type { OpcUaCollector, OpcUaCollectorDeps } from './start-opcua-collector.ts';

/**
 * Starts the OPC UA collector, loading the OPC UA stack on first use: node-opcua takes over a
 * second to load, which every other command of the CLI (and every node without OPC UA servers)
 * should not pay.
 */
export async function startOpcUaCollector(config: OpcUaCollectorConfig, deps: OpcUaCollectorDeps): Promise<OpcUaCollector> {
  const { startOpcUaCollector: start } = await import('./start-opcua-collector.ts');
  return start(config, deps);
}
