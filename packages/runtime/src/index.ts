export { startNode, version } from './roles/node.ts';
export type { RunningNode, Role } from './roles/node.ts';
export { startDemo } from './roles/demo.ts';
export type { RunningDemo } from './roles/demo.ts';
export { loadConfig, requireConfig, formatProblems } from './config/load-config.ts';
export type { ConfigProblem, LoadedConfig } from './config/load-config.ts';
export { nodeConfigSchema, nodeDefaults } from './config/node-config.ts';
export type { NodeConfig } from './config/node-config.ts';
export { createLogger } from './logger.ts';
