export { opcUaCollectorConfigSchema, opcUaCollectorDefaults, opcUaServerDefaults } from './config.ts';
export type { OpcUaCollectorConfig, OpcUaServerConfig, OpcUaItemConfig, OpcUaBrowseConfig, OpcUaDeadband } from './config.ts';
export { opcUaConfigProblems, checkOpcUaCollectorConfig } from './config-problems.ts';
export type { OpcUaConfigProblem } from './config-problems.ts';
export { startOpcUaCollector } from './start-lazily.ts';
export type { OpcUaCollector, OpcUaCollectorDeps } from './start-opcua-collector.ts';
export type { OpcUaBindingInfo } from './server-link.ts';
export type { BindingProblem } from './resolve-bindings.ts';
