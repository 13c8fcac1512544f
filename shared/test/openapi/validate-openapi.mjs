// Validates an OpenAPI document against the official schema of its version, refs resolved.
// The validator is an ES module, which Jest (CommonJS here) cannot load: the test runs this file with node.
// Usage: node validate-openapi.mjs <file.yaml>; prints {valid, version, errors?} as JSON.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const validator = new Validator();
const result = await validator.validate(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));
