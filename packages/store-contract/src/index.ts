export { pointStoreContract } from './point-store-contract.ts';
export { registryContract } from './registry-contract.ts';
export { baseTs, point } from './fixtures.ts';
