import { randomUUID } from 'node:crypto';
import { AppError } from '../platform/app-error';
import { RevocationList, type AuthChange } from './revocation-list';
import type { Principal } from './tokens';

const HOUR = 3_600_000;
const principal = (role: Principal['role'] = 'admin'): Principal => ({
  userId: randomUUID(),
  role,
  tokenId: randomUUID(),
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
});
const accountChange = (userId: string, role: AuthChange['role'], changedAtMs = Date.now()): AuthChange => ({
  userId,
  role,
  tokenId: null,
  tokenExpiresAtMs: null,
  changedAtMs,
});
const codeOf = (check: () => unknown): string | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('RevocationList', () => {
  it('lets a token of an account it never heard of act as the token says', () => {
    const caller = principal('admin');
    expect(new RevocationList(HOUR).check(caller)).toEqual(caller);
  });

  it("gives a changed account's tokens the account's role now, demoted or promoted", () => {
    const list = new RevocationList(HOUR);
    const [admin, customer] = [principal('admin'), principal('customer')];
    list.apply([accountChange(admin.userId, 'customer'), accountChange(customer.userId, 'admin')]);
    expect(list.check(admin).role).toBe('customer');
    expect(list.check(customer).role).toBe('admin');
  });

  it('refuses every token of a removed account, and only the logged-out token of another', () => {
    const list = new RevocationList(HOUR);
    const removed = principal();
    const loggedOut = principal();
    const sameAccountOtherToken = { ...loggedOut, tokenId: randomUUID() };
    list.apply([
      accountChange(removed.userId, null),
      { userId: loggedOut.userId, role: null, tokenId: loggedOut.tokenId, tokenExpiresAtMs: Date.now() + HOUR, changedAtMs: Date.now() },
    ]);
    expect(codeOf(() => list.check(removed))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => list.check({ ...removed, tokenId: randomUUID() }))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => list.check(loggedOut))).toBe('UNAUTHENTICATED');
    expect(list.check(sameAccountOtherToken)).toEqual(sameAccountOtherToken);
  });

  it('keeps the latest read of an account when changes are applied again (the feed re-reads some)', () => {
    const list = new RevocationList(HOUR);
    const caller = principal('admin');
    list.apply([accountChange(caller.userId, 'customer', 1_000)]);
    list.apply([accountChange(caller.userId, 'admin', 500), accountChange(caller.userId, 'admin', 2_000)]);
    expect(list.check(caller).role).toBe('admin');
  });

  it('forgets logouts past their expiry and account changes older than a token lifetime, nothing younger', () => {
    const now = Date.now();
    const list = new RevocationList(HOUR);
    const expired = principal();
    const live = principal();
    list.apply([
      { userId: expired.userId, role: null, tokenId: expired.tokenId, tokenExpiresAtMs: now - 1, changedAtMs: now - HOUR },
      { userId: live.userId, role: null, tokenId: live.tokenId, tokenExpiresAtMs: now + 1, changedAtMs: now - HOUR },
      accountChange(randomUUID(), null, now - HOUR - 1),
      accountChange(live.userId, null, now - HOUR + 1),
    ]);
    list.prune(now);
    expect(list.size).toEqual({ accounts: 1, tokens: 1 });
    expect(codeOf(() => list.check(live))).toBe('UNAUTHENTICATED');
  });
});
