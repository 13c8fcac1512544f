import { describeSharedContract } from '../../shared/test/contract';
import { createApp } from '../src/app';

// The docs/api.md contract both versions share; v1's own purchase lives in purchase.api.test.ts.
describeSharedContract({ name: 'v1', prefix: '', createApp });
