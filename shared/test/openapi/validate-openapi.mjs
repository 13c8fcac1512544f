// Validates an OpenAPI document against the official schema of its version, refs resolved.
// The validator is an ES module, which Jest (CommonJS here) cannot load: the test runs this file with node.
// Usage: node validate-openapi.mjs <file.yaml>; prints {valid, version, errors?} as JSON.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node validate-openapi.mjs <file.yaml>\n');
  process.exit(2);
}
const validator = new Validator();
const result = await validator.validate(readFileSync(file, 'utf8'));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));
