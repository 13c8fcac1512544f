import { forgedTokensSuite } from '../../shared/test/security/forged-tokens.suite';
import { privilegeSuite } from '../../shared/test/security/privilege.suite';
import { rateLimitSuite } from '../../shared/test/security/rate-limit.suite';
import { revocationSuite } from '../../shared/test/security/revocation.suite';
import { secretsSuite } from '../../shared/test/security/secrets.suite';
import { v2Target } from './support/target';

forgedTokensSuite(v2Target);
privilegeSuite(v2Target);
rateLimitSuite(v2Target);
secretsSuite(v2Target);
revocationSuite(v2Target);
