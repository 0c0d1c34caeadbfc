export { startOpcUaServer, opcUaServerDefaults, simulatorNamespaceUri } from './start-opcua-server.ts';
export type { OpcUaServer, OpcUaServerOptions, OpcUaServerDeps } from './start-opcua-server.ts';
export type { ServedPlant } from './plant-address-space.ts';
export { engineeringUnits } from './engineering-units.ts';
