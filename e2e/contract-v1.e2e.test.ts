import { describeSharedContract } from '../shared/test/contract';
import { clusterTarget, useClusterPool } from './support/cluster-target';
import { CLUSTER_START_TIMEOUT } from './support/test-cluster';

// The docs/api.md suite v1's API tests run in-process, here through nginx to two v1 instances:
// routing, forwarded addresses (rate limits), body limits and errors as a client meets them.
jest.setTimeout(CLUSTER_START_TIMEOUT);

describeSharedContract(clusterTarget('v1', '', useClusterPool({ v1: 2, v2: 1, workers: 0 })));
