import { describeAuthContract } from './auth.contract';
import { describeErrorContract } from './errors.contract';
import { describeHeadersContract } from './headers.contract';
import { describeOpsContract } from './ops.contract';
import { describeOrdersContract } from './orders.contract';
import { describeProductReadContract } from './products-read.contract';
import { describeProductWriteContract } from './products-write.contract';
import { describeSaleCreateContract } from './sales-create.contract';
import { describeSaleReadContract } from './sales-read.contract';
import { describeSessionsContract } from './sessions.contract';
import { describeUsersContract } from './users.contract';
import type { ContractTarget } from './target';

export type { ContractTarget } from './target';
export { useContractApi, expectError, type ContractApi } from './harness';

/** Everything docs/api.md says both versions do the same way: all but the purchase itself. */
export function describeSharedContract(target: ContractTarget): void {
  describeAuthContract(target);
  describeProductReadContract(target);
  describeProductWriteContract(target);
  describeSaleCreateContract(target);
  describeSaleReadContract(target);
  describeOrdersContract(target);
  describeUsersContract(target);
  describeSessionsContract(target);
  describeErrorContract(target);
  describeHeadersContract(target);
  describeOpsContract(target);
}

export {
  describeAuthContract,
  describeErrorContract,
  describeHeadersContract,
  describeOpsContract,
  describeOrdersContract,
  describeProductReadContract,
  describeProductWriteContract,
  describeSaleCreateContract,
  describeSaleReadContract,
  describeSessionsContract,
  describeUsersContract,
};
