import { forgedTokensSuite } from '../../shared/test/security/forged-tokens.suite';
import { privilegeSuite } from '../../shared/test/security/privilege.suite';
import { rateLimitSuite } from '../../shared/test/security/rate-limit.suite';
import { revocationSuite } from '../../shared/test/security/revocation.suite';
import { secretsSuite } from '../../shared/test/security/secrets.suite';
import { createTestDeps } from '../../shared/test/support/test-deps';
import { createApp } from '../src/app';

// v1 starts without Redis, as its main does: its purchases and tokens need PostgreSQL alone.
const v1 = { name: 'v1', prefix: '', createApp, createDeps: (overrides?: Record<string, string>) => createTestDeps(overrides, { redisOptional: true }) };

forgedTokensSuite(v1);
privilegeSuite(v1);
rateLimitSuite(v1);
secretsSuite(v1);
revocationSuite(v1, { deafWithoutRedis: true });
