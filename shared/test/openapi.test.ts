import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import {
  docPath,
  ERROR_CODES,
  HTTP_ERROR_STATUS,
  idempotencyKeyHeader,
  loadConfig,
  loadOpenApiDocument,
  NON_HTTP_ERROR_CODES,
  statusOf,
  type ErrorCode,
} from '@flashfast/shared';
import { MAX_UNITS } from '../src/products/product.schema';
import { MAX_PER_USER_LIMIT } from '../src/sales/sale.schema';
import { allRefs, errorCodesOf, openApiDocument, operations, resolveRef, type OpenApi } from './openapi/openapi-document';

const doc = openApiDocument();
const schemas = doc.components.schemas as Record<string, OpenApi>;

/** Every response of every operation, resolved, with where it is. */
const responses = operations(doc).flatMap(({ path: at, method, operation }) =>
  Object.entries(operation.responses as Record<string, OpenApi>).map(([status, response]) => ({
    where: `${method.toUpperCase()} ${at} ${status}`,
    status,
    response: response.$ref ? resolveRef(doc, response.$ref as string) : response,
  })),
);

describe('docs/openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document (official schema, every $ref resolved)', async () => {
    const script = path.resolve(__dirname, 'openapi/validate-openapi.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [script, docPath('openapi.yaml')]);
    const result = JSON.parse(stdout) as { valid: boolean; version: string; errors?: unknown };

    expect(result).toEqual({ valid: true, version: '3.1' });
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('resolves every $ref, the x-socketio extension included', () => {
    const refs = allRefs(doc);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) expect(() => resolveRef(doc, ref)).not.toThrow();
    expect(allRefs(doc['x-socketio']).length).toBeGreaterThan(5);
  });

  it("lists exactly the catalogue's HTTP error codes in the Error schema", () => {
    const documented = schemas.ErrorCode!.enum as string[];
    expect([...documented].sort()).toEqual(Object.keys(HTTP_ERROR_STATUS).sort());
    expect(resolveRef(doc, schemas.Error!.properties.error.properties.code.$ref as string)).toBe(schemas.ErrorCode);
  });

  it('takes the codes of purchase outcomes and socket acknowledgements from the same catalogue, each non-HTTP code among them', () => {
    const outcomeCodes = schemas.PurchaseFailureCode!.enum as string[];
    const socketCodes = schemas.SocketError!.properties.error.properties.code.enum as string[];
    expect([...outcomeCodes, ...socketCodes].filter((code) => !(ERROR_CODES as string[]).includes(code))).toEqual([]);
    expect(NON_HTTP_ERROR_CODES.filter((code) => !outcomeCodes.includes(code) && !socketCodes.includes(code))).toEqual([]);
  });

  it('gives every error response codes whose status (from the error middleware) is that response status', () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const { where, status, response } of responses) {
      const codes = errorCodesOf(response);
      if (!codes) continue;
      checked += 1;
      for (const code of codes) {
        // 431 is answered by the HTTP server, before the app and its code -> status table.
        const expected = status === '431' ? 'PAYLOAD_TOO_LARGE' : undefined;
        if (expected ? code !== expected : String(statusOf(code as ErrorCode)) !== status) mismatches.push(`${where}: ${code}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('documents for every operation a success, the input errors, 500, and 401/403 where it needs a token or a role', () => {
    const ids = new Set<string>();
    for (const { path: at, method, item, operation } of operations(doc)) {
      const where = `${method.toUpperCase()} ${at}`;
      const statuses = Object.keys(operation.responses as object);
      expect({ where, id: typeof operation.operationId }).toEqual({ where, id: 'string' });
      expect(ids.has(operation.operationId as string)).toBe(false);
      ids.add(operation.operationId as string);
      expect({ where, success: statuses.some((s) => /^2\d\d$/.test(s)), internal: statuses.includes('500') }).toEqual({ where, success: true, internal: true });
      if (operation.security) expect({ where, has401: statuses.includes('401') }).toEqual({ where, has401: true });
      if (operation['x-required-role'] === 'admin') expect({ where, has403: statuses.includes('403') }).toEqual({ where, has403: true });
      if (operation.requestBody) expect({ where, bodyErrors: ['400', '413', '415'].every((s) => statuses.includes(s)) }).toEqual({ where, bodyErrors: true });

      const parameters = [...((item.parameters ?? []) as OpenApi[]), ...((operation.parameters ?? []) as OpenApi[])].map((p) =>
        p.$ref ? resolveRef(doc, p.$ref as string) : p,
      );
      const inPath = parameters.filter((p) => p.in === 'path').map((p) => p.name as string).sort();
      const inTemplate = [...at.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
      expect({ where, inPath }).toEqual({ where, inPath: inTemplate });
    }
  });

  it('states the limits the code enforces', () => {
    const parameters = doc.components.parameters as Record<string, OpenApi>;
    expect(parameters.Limit!.schema).toMatchObject({ minimum: 1, maximum: loadConfig({}).PAGE_SIZE_MAX, default: 20 });
    expect(schemas.PurchaseRequest!.properties.quantity).toMatchObject({ minimum: 1, maximum: MAX_PER_USER_LIMIT });
    expect(schemas.CreateFlashSaleEventRequest!.properties.maxPerUser).toMatchObject({ minimum: 1, maximum: MAX_PER_USER_LIMIT, default: 1 });
    expect(schemas.CreateFlashSaleEventRequest!.properties.availableStock).toMatchObject({ minimum: 1, maximum: MAX_UNITS });
    expect(schemas.Units).toMatchObject({ minimum: 0, maximum: MAX_UNITS });

    const key = parameters.IdempotencyKey!.schema as { pattern: string; minLength: number; maxLength: number };
    const pattern = new RegExp(key.pattern, 'u');
    for (const value of ['', 'a', 'order-42', `${'k'.repeat(254)}~`, 'k'.repeat(256), 'has space', 'a\tb', 'clé', '!"#$%&\'()*+,-./~']) {
      const documented = pattern.test(value) && value.length >= key.minLength && value.length <= key.maxLength;
      expect({ value, documented }).toEqual({ value, documented: idempotencyKeyHeader.safeParse(value).success });
    }
  });

  it('is what the apps serve: the YAML as written, and the same document as JSON', () => {
    const served = loadOpenApiDocument();
    expect(served.yaml).toBe(readFileSync(docPath('openapi.yaml'), 'utf8'));
    expect(JSON.parse(served.json)).toEqual(parse(served.yaml));
  });
});
