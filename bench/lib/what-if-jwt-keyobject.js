// What-if preload (NODE_OPTIONS=--require this file; `BENCH_WHAT_IF=jwt-keyobject`), for the
// findings in bench/README.md, never for production: jsonwebtoken 9 given a string secret
// first tries createPublicKey() on it, which throws, then builds a secret key, on every call.
// This hands it a KeyObject made once per secret instead, as shared/src/auth/tokens.ts could.
const { createSecretKey } = require('node:crypto');
const jwt = require('jsonwebtoken');

const keys = new Map();
const keyFor = (secret) => {
  if (typeof secret !== 'string') return secret;
  if (!keys.has(secret)) keys.set(secret, createSecretKey(Buffer.from(secret)));
  return keys.get(secret);
};
const { verify, sign } = jwt;
jwt.verify = (token, secret, ...rest) => verify(token, keyFor(secret), ...rest);
jwt.sign = (payload, secret, ...rest) => sign(payload, keyFor(secret), ...rest);
