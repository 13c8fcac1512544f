import { badInputSuite } from '../../shared/test/security/bad-input.suite';
import { createApp } from '../src/app';

badInputSuite({ name: 'v1', prefix: '', createApp });
