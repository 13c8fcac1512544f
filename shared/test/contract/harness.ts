import request, { type Response, type Test } from 'supertest';
import type { Deps, ErrorCode } from '@flashfast/shared';
import { createUser, type TestUser } from '../factories';
import type { ServedApp } from '../support/http';
import { closeTestDeps, createTestDeps } from '../support/test-deps';
import { serveTarget, type ContractTarget } from './target';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A running target and the cast every suite plays with: two customers and an admin. */
export interface ContractApi {
  readonly deps: Deps;
  readonly customer: TestUser;
  readonly otherCustomer: TestUser;
  readonly admin: TestUser;
  /** A request to a versioned route: `path` is written without the prefix ('/products'). */
  call(method: Method, path: string, as?: TestUser): Test;
  /** A request to a path as is, without the prefix. */
  raw(method: Method, path: string): Test;
  /** A request to an ops route ('/healthz', '/readyz', '/metrics') where the target serves it. */
  ops(method: Method, path: string): Test;
}

/** Starts the target before the suite and stops it after; the returned object is filled in beforeAll. */
export function useContractApi(target: ContractTarget, overrides: Record<string, string> = {}): ContractApi {
  let server: ServedApp;
  const state = {} as { deps: Deps; customer: TestUser; otherCustomer: TestUser; admin: TestUser };

  beforeAll(async () => {
    state.deps = await (target.createDeps ?? createTestDeps)(overrides);
    server = await serveTarget(target, state.deps);
    state.customer = await createUser(state.deps, 'customer', 'Customer');
    state.otherCustomer = await createUser(state.deps, 'customer', 'Other Customer');
    state.admin = await createUser(state.deps, 'admin', 'Admin');
  });
  afterAll(async () => {
    await server?.close();
    if (state.deps) await (target.closeDeps ?? closeTestDeps)(state.deps);
  });

  const raw = (method: Method, path: string): Test => {
    const test = request(server.url)[method](path);
    return server.ca ? test.ca(server.ca) : test;
  };
  return {
    get deps() {
      return state.deps;
    },
    get customer() {
      return state.customer;
    },
    get otherCustomer() {
      return state.otherCustomer;
    },
    get admin() {
      return state.admin;
    },
    raw,
    ops: (method, path) => raw(method, `${target.opsPrefix ?? ''}${path}`),
    call: (method, path, as) => {
      const test = raw(method, `${target.prefix}${path}`);
      return as ? test.set('Authorization', `Bearer ${as.token}`) : test;
    },
  };
}

/** The one error shape of docs/api.md: `{error: {code, message, details?}}`, as JSON, with the given status. */
export function expectError(response: Response, status: number, code: ErrorCode): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(response.body)).toEqual(['error']);
  expect(typeof response.body.error.message).toBe('string');
  const extra = Object.keys(response.body.error).filter((key) => !['code', 'message', 'details'].includes(key));
  expect(extra).toEqual([]);
}

/** The field paths a VALIDATION_ERROR names in its details. */
export const issuePaths = (response: Response): string[] =>
  (response.body.error.details as { path: string }[]).map((issue) => issue.path);
