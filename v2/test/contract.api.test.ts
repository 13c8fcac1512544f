import { describeSharedContract } from '../../shared/test/contract';
import { v2Target } from './support/target';

// The same docs/api.md suite v1 runs, under /api: one implementation, one contract.
describeSharedContract(v2Target);
