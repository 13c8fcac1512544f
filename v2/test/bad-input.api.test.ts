import { badInputSuite } from '../../shared/test/security/bad-input.suite';
import { v2Target } from './support/target';

badInputSuite(v2Target);
