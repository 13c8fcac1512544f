/**
 * One API version under test, the same object the contract suites take: v1 is
 * `{ name: 'v1', prefix: '', createApp }`, v2 passes prefix '/api' (and its own createDeps/closeDeps).
 */
export type { ContractTarget as SecurityTarget } from '../contract/target';
