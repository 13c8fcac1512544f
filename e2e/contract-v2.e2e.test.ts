import { describeSharedContract } from '../shared/test/contract';
import { clusterTarget, useClusterPool } from './support/cluster-target';
import { CLUSTER_START_TIMEOUT } from './support/test-cluster';

// The same suite under /api, through nginx to two v2 instances.
jest.setTimeout(CLUSTER_START_TIMEOUT);

describeSharedContract(clusterTarget('v2', '/api', useClusterPool({ v1: 1, v2: 2, workers: 0 })));
