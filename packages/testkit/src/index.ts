export { freePort } from './free-port.ts';
export { startMosquitto, waitForPort } from './mosquitto.ts';
export type { MosquittoServer, MosquittoOptions } from './mosquitto.ts';
export { createCapturingLogger } from './capturing-logger.ts';
export type { LogEntry } from './capturing-logger.ts';
export { mosquittoPub, mosquittoSub } from './mosquitto-clients.ts';
export { testApi } from './api-client.ts';
export type { TestApi } from './api-client.ts';
