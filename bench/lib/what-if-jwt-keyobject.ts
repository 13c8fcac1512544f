// What-if preload (NODE_OPTIONS=--require this file; `BENCH_WHAT_IF=jwt-keyobject`), for the
// findings in bench/README.md, never for production: jsonwebtoken 9 given a string secret
// first tries createPublicKey() on it, which throws, then builds a secret key, on every call.
// This hands it a KeyObject made once per secret instead, as shared/src/auth/tokens.ts could.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

type Secret = jwt.Secret;
const keys = new Map<string, KeyObject>();
const keyFor = (secret: Secret): Secret => {
  if (typeof secret !== 'string') return secret;
  if (!keys.has(secret)) keys.set(secret, createSecretKey(Buffer.from(secret)));
  return keys.get(secret)!;
};
// The module object is patched for every later require of jsonwebtoken; its typings are readonly.
const patched = jwt as unknown as Record<'verify' | 'sign', (first: unknown, secret: Secret, ...rest: unknown[]) => unknown>;
const { verify, sign } = { verify: patched.verify, sign: patched.sign };
patched.verify = (token, secret, ...rest) => verify(token, keyFor(secret), ...rest);
patched.sign = (payload, secret, ...rest) => sign(payload, keyFor(secret), ...rest);
