import { AppError } from '../platform/app-error';
import type { Principal, Role } from './tokens';

/** One row of `auth_changes` with the account as it stands when the row was read. */
export interface AuthChange {
  userId: string;
  /** The account's role now; null: the account no longer exists. */
  role: Role | null;
  /** A logout: the token it revoked, and when that token expires anyway (ms). */
  tokenId: string | null;
  tokenExpiresAtMs: number | null;
  changedAtMs: number;
}

interface AccountState {
  role: Role | null;
  changedAtMs: number;
}

/**
 * What this process knows of the accounts and tokens changed within a token's lifetime. Checking
 * a token against it is a few map look-ups: no I/O on the request path. Kept current by
 * RevocationFeed; accounts absent from it are as their tokens say.
 */
export class RevocationList {
  private readonly accounts = new Map<string, AccountState>();
  private readonly revokedTokens = new Map<string, number>();

  constructor(private readonly tokenLifetimeMs: number) {}

  /** Idempotent, and a later read of an account wins: the feed re-reads each changed account's current row. */
  apply(changes: AuthChange[]): void {
    for (const change of changes) {
      if (change.tokenId !== null) {
        this.revokedTokens.set(change.tokenId, change.tokenExpiresAtMs ?? Number.MAX_SAFE_INTEGER);
      } else {
        const known = this.accounts.get(change.userId);
        this.accounts.set(change.userId, {
          role: change.role,
          changedAtMs: Math.max(change.changedAtMs, known?.changedAtMs ?? 0),
        });
      }
    }
  }

  /** The principal the token may act as now: the account's current role; a 401 if it was removed or logged out. */
  check(principal: Principal): Principal {
    if (this.revokedTokens.has(principal.tokenId)) {
      throw new AppError('UNAUTHENTICATED', 'this token was revoked (logged out)');
    }
    const account = this.accounts.get(principal.userId);
    if (!account) return principal;
    if (account.role === null) throw new AppError('UNAUTHENTICATED', 'this account no longer exists');
    return account.role === principal.role ? principal : { ...principal, role: account.role };
  }

  /**
   * Forgets what no live token can be concerned by: logged-out tokens past their expiry, account
   * changes older than a token's lifetime (every token issued before them has expired).
   */
  prune(nowMs: number): void {
    for (const [tokenId, expiresAtMs] of this.revokedTokens) {
      if (expiresAtMs < nowMs) this.revokedTokens.delete(tokenId);
    }
    for (const [userId, account] of this.accounts) {
      if (account.changedAtMs + this.tokenLifetimeMs < nowMs) this.accounts.delete(userId);
    }
  }

  get size(): { accounts: number; tokens: number } {
    return { accounts: this.accounts.size, tokens: this.revokedTokens.size };
  }
}
