import { createUser, createUsers } from '../factories';
import { eventually } from '../support/eventually';
import { expectError, issuePaths, useContractApi } from './harness';
import type { ContractTarget } from './target';

interface UserPage {
  items: Array<{ id: string; name: string; email: string; role: string }>;
  nextCursor: string | null;
}

export function describeUsersContract(target: ContractTarget): void {
  describe(`${target.name} contract: users (admins only)`, () => {
    const api = useContractApi(target);

    it('GET /users gives an admin pages of accounts, newest first, every account once, never a password hash', async () => {
      const made = await createUsers(api.deps, 5);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = (await api.call('get', `/users${query}`, api.admin).expect(200)).body as UserPage;
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const user of page.items) expect(Object.keys(user).sort()).toEqual(['email', 'id', 'name', 'role']);
        expect(JSON.stringify(page)).not.toMatch(/password|\$2[aby]\$/i);
        seen.push(...page.items.map((user) => user.id));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 10_000);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining([...made.map((user) => user.id), api.admin.id, api.customer.id]));
    });

    it('GET /users filters by exact email (any case) and by role', async () => {
      const byEmail = await api.call('get', `/users?email=${encodeURIComponent(api.customer.email.toUpperCase())}`, api.admin).expect(200);
      expect((byEmail.body as UserPage).items.map((user) => user.id)).toEqual([api.customer.id]);
      const admins = (await api.call('get', '/users?role=admin&limit=100', api.admin).expect(200)).body as UserPage;
      expect(admins.items.map((user) => user.role)).toEqual(admins.items.map(() => 'admin'));
      expect(admins.items.map((user) => user.id)).toContain(api.admin.id);
    });

    it('a page is bounded: limit above PAGE_SIZE_MAX, zero, or a forged cursor is 400; unknown filters too', async () => {
      for (const query of ['limit=101', 'limit=0', 'limit=-1', 'limit=abc', 'cursor=forged', 'role=owner', 'email=nope', 'password=x', 'limit=1&limit=2']) {
        const response = await api.call('get', `/users?${query}`, api.admin);
        expectError(response, 400, 'VALIDATION_ERROR');
      }
    });

    it('customers get 403 and anonymous callers 401, from both routes, and nothing changes', async () => {
      expectError(await api.call('get', '/users', api.customer), 403, 'FORBIDDEN');
      expectError(await api.call('patch', `/users/${api.customer.id}`, api.customer).send({ role: 'admin' }), 403, 'FORBIDDEN');
      expectError(await api.call('get', '/users'), 401, 'UNAUTHENTICATED');
      expectError(await api.call('patch', `/users/${api.customer.id}`).send({ role: 'admin' }), 401, 'UNAUTHENTICATED');
      const { rows } = await api.deps.db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [api.customer.id]);
      expect(rows[0]?.role).toBe('customer');
    });

    it('PATCH /users/:id refuses a bad role, extra keys, an empty body and a bad id with 400, an unknown id with 404', async () => {
      const path = `/users/${api.otherCustomer.id}`;
      for (const body of [{ role: 'superuser' }, { role: 'ADMIN' }, { role: 'admin', name: 'x' }, {}, { role: null }, { role: ['admin'] }]) {
        const response = await api.call('patch', path, api.admin).send(body);
        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response).every((at) => at.startsWith('body'))).toBe(true);
      }
      expectError(await api.call('patch', '/users/42', api.admin).send({ role: 'admin' }), 400, 'VALIDATION_ERROR');
      expectError(await api.call('patch', '/users/00000000-0000-4000-8000-000000000000', api.admin).send({ role: 'admin' }), 404, 'NOT_FOUND');
      const { rows } = await api.deps.db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [api.otherCustomer.id]);
      expect(rows[0]?.role).toBe('customer');
    });

    it("PATCH /users/:id promotes a customer: 200 {user}, and the customer's existing token gains the admin routes", async () => {
      const promoted = await createUser(api.deps, 'customer', 'Promoted');
      const response = await api.call('patch', `/users/${promoted.id}`, api.admin).send({ role: 'admin' }).expect(200);
      expect(response.body).toEqual({ user: { id: promoted.id, name: 'Promoted', email: promoted.email, role: 'admin' } });
      await eventually(async () => (await api.call('get', '/users', promoted)).status, (status) => status === 200, 5_000);

      // The same role again changes nothing and is still 200.
      await api.call('patch', `/users/${promoted.id}`, api.admin).send({ role: 'admin' }).expect(200);
    });
  });
}
