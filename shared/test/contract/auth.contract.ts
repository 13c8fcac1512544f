import { randomUUID } from 'node:crypto';
import { signToken } from '@flashfast/shared';
import { expectError, issuePaths, useContractApi } from './harness';
import { uniqueEmail } from './fixtures';
import type { ContractTarget } from './target';

const PASSWORD = 'a-long-enough-password';

export function describeAuthContract(target: ContractTarget): void {
  describe(`${target.name} contract: auth`, () => {
    const api = useContractApi(target);
    const register = (body: Record<string, unknown>) => api.call('post', '/auth/register').send(body);
    const login = (body: Record<string, unknown>) => api.call('post', '/auth/login').send(body);

    describe('POST /auth/register', () => {
      it('when someone registers, they get 201 with a customer user and a token, never a password hash', async () => {
        const email = uniqueEmail('new');
        const response = await register({ name: 'Ada', email, password: PASSWORD }).expect(201);

        expect(Object.keys(response.body).sort()).toEqual(['token', 'user']);
        expect(Object.keys(response.body.user).sort()).toEqual(['email', 'id', 'name', 'role']);
        expect(response.body.user).toMatchObject({ name: 'Ada', email, role: 'customer' });
        expect(JSON.stringify(response.body)).not.toMatch(/password|\$2[aby]\$/i);
        const me = await api.call('get', '/auth/me').set('Authorization', `Bearer ${response.body.token}`).expect(200);
        expect(me.body.user.id).toBe(response.body.user.id);
      });

      it('when the email has upper-case letters and spaces, it is stored trimmed and lower-cased', async () => {
        const email = uniqueEmail('mixed');
        const response = await register({ name: 'Ada', email: `  ${email.toUpperCase()} `, password: PASSWORD }).expect(201);

        expect(response.body.user.email).toBe(email);
        await login({ email: email.toUpperCase(), password: PASSWORD }).expect(200);
      });

      it('when the email is already registered, even in another case, it is 409 EMAIL_TAKEN', async () => {
        const email = uniqueEmail('taken');
        await register({ name: 'First', email, password: PASSWORD }).expect(201);

        expectError(await register({ name: 'Second', email, password: PASSWORD }), 409, 'EMAIL_TAKEN');
        expectError(await register({ name: 'Third', email: email.toUpperCase(), password: PASSWORD }), 409, 'EMAIL_TAKEN');
      });

      it('when the body asks for role admin, it is refused with 400 and no account is created', async () => {
        const email = uniqueEmail('climber');
        const response = await register({ name: 'Mallory', email, password: PASSWORD, role: 'admin' });

        expectError(response, 400, 'VALIDATION_ERROR');
        const { rowCount } = await api.deps.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
        expect(rowCount).toBe(0);
      });

      it('when the body has any other unknown key, it is refused with 400', async () => {
        const response = await register({ name: 'Ada', email: uniqueEmail(), password: PASSWORD, isAdmin: true });
        expectError(response, 400, 'VALIDATION_ERROR');
      });

      it('when the password is over 72 bytes (even if under 72 characters), it is refused with 400', async () => {
        const multiByte = 'é'.repeat(37); // 37 characters, 74 bytes
        const response = await register({ name: 'Ada', email: uniqueEmail(), password: multiByte });

        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response)).toEqual(['body.password']);
        await register({ name: 'Ada', email: uniqueEmail(), password: 'x'.repeat(72) }).expect(201);
      });

      it('when fields are missing or malformed, the 400 names every bad field', async () => {
        const response = await register({ email: 'not-an-email', password: 'short' });

        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response).sort()).toEqual(['body.email', 'body.name', 'body.password']);
      });
    });

    describe('POST /auth/login', () => {
      const email = uniqueEmail('login');
      beforeAll(async () => {
        await register({ name: 'Grace', email, password: PASSWORD }).expect(201);
      });

      it('when the credentials are right, it is 200 with the user and a working token', async () => {
        const response = await login({ email, password: PASSWORD }).expect(200);

        expect(Object.keys(response.body).sort()).toEqual(['token', 'user']);
        expect(response.body.user).toMatchObject({ email, name: 'Grace', role: 'customer' });
        expect(response.body.user).not.toHaveProperty('passwordHash');
        await api.call('get', '/auth/me').set('Authorization', `Bearer ${response.body.token}`).expect(200);
      });

      it('when the password is wrong or the email unknown, both are 401 with the same error body', async () => {
        const wrongPassword = await login({ email, password: 'not-the-password' });
        const unknownEmail = await login({ email: uniqueEmail('nobody'), password: PASSWORD });

        expectError(wrongPassword, 401, 'UNAUTHENTICATED');
        expectError(unknownEmail, 401, 'UNAUTHENTICATED');
        expect(unknownEmail.body).toEqual(wrongPassword.body);
      });

      it('when a factory-made admin logs in, the user says role admin', async () => {
        const response = await login({ email: api.admin.email, password: api.admin.password }).expect(200);
        expect(response.body.user).toMatchObject({ id: api.admin.id, role: 'admin' });
      });

      it('when the body is incomplete, it is 400', async () => {
        expectError(await login({ email }), 400, 'VALIDATION_ERROR');
      });
    });

    describe('GET /auth/me', () => {
      it('when a customer asks with their token, they get their own user', async () => {
        const response = await api.call('get', '/auth/me', api.customer).expect(200);
        expect(response.body).toEqual({
          user: { id: api.customer.id, name: api.customer.name, email: api.customer.email, role: 'customer' },
        });
      });

      it('when an admin asks, the user says role admin', async () => {
        const response = await api.call('get', '/auth/me', api.admin).expect(200);
        expect(response.body.user).toMatchObject({ id: api.admin.id, role: 'admin' });
      });

      it('when there is no token, it is 401', async () => {
        expectError(await api.call('get', '/auth/me'), 401, 'UNAUTHENTICATED');
      });

      it('when a validly signed token names an account that does not exist, it is 401', async () => {
        const ghost = { ...api.customer, token: signToken(api.deps.config, { userId: randomUUID(), role: 'customer' }) };
        expectError(await api.call('get', '/auth/me', ghost), 401, 'UNAUTHENTICATED');
      });

      it('when the token is garbage or signed with another secret, it is 401', async () => {
        const garbage = await api.call('get', '/auth/me').set('Authorization', 'Bearer not.a.jwt');
        const forged = signToken({ JWT_SECRET: 'another-secret-'.repeat(4), JWT_EXPIRES_IN: '1h' }, {
          userId: api.customer.id,
          role: 'admin',
        });
        const forgedResponse = await api.call('get', '/auth/me').set('Authorization', `Bearer ${forged}`);

        expectError(garbage, 401, 'UNAUTHENTICATED');
        expectError(forgedResponse, 401, 'UNAUTHENTICATED');
      });
    });
  });
}
