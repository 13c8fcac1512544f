import type { Deps } from '@flashfast/shared';
import type { ContractTarget } from '../../../shared/test/contract/target';
import { closeTestDeps } from '../../../shared/test/support/test-deps';
import { createApp } from '../../src/app';
import { createApiServices, silentBroadcaster, type ApiServices } from '../../src/services';

const servicesByDeps = new Map<Deps, ApiServices[]>();

/** v2 for the shared suites: its app under /api, with its queue connections closed afterwards. */
export const v2Target = {
  name: 'v2',
  prefix: '/api',
  createApp: (deps) => {
    const services = createApiServices(deps);
    servicesByDeps.set(deps, [...(servicesByDeps.get(deps) ?? []), services]);
    return createApp(deps, services, silentBroadcaster);
  },
  closeDeps: async (deps) => {
    await Promise.all((servicesByDeps.get(deps) ?? []).map((services) => services.close()));
    servicesByDeps.delete(deps);
    await closeTestDeps(deps);
  },
} satisfies ContractTarget;
