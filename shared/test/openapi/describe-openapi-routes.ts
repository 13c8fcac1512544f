import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { parse } from 'yaml';
import { docPath, type Deps } from '@flashfast/shared';
import { useContractApi } from '../contract/harness';
import type { ContractTarget } from '../contract/target';
import { documentedRoutes, mountedRoutes, openApiDocument, type Version } from './openapi-document';

/** A contract target whose app is built in-process: its router is what gets compared. */
export type OpenApiTarget = ContractTarget & { createApp(deps: Deps): Express };

/**
 * docs/openapi.yaml against one running app: every route the app mounts is documented, every
 * documented route exists, and the app serves the document.
 */
export function describeOpenApiRoutes(target: OpenApiTarget): void {
  const version: Version = target.prefix === '/api' ? 'v2' : 'v1';

  describe(`${target.name}: docs/openapi.yaml matches the routes`, () => {
    const api = useContractApi(target);
    const documented = documentedRoutes(openApiDocument(), version);

    it('documents every route the app mounts (add new routes to docs/openapi.yaml)', () => {
      const mounted = mountedRoutes(target.createApp(api.deps));
      expect(mounted.length).toBeGreaterThan(10);

      expect({ undocumented: mounted.filter((route) => !documented.includes(route)) }).toEqual({ undocumented: [] });
    });

    it('mounts every route the document gives this version: none answers "no route"', async () => {
      const missing: string[] = [];
      for (const route of documented) {
        const [method, template] = route.split(' ') as [string, string];
        // An admin and an empty object pass every gate without changing anything (bodies are refused with 400).
        let request = api.raw(method.toLowerCase() as 'get', template.replace(/\{\w+\}/g, () => randomUUID()));
        request = request.set('Authorization', `Bearer ${api.admin.token}`);
        if (method !== 'GET' && method !== 'DELETE') request = request.set('Content-Type', 'application/json').send('{}');
        const response = await request;
        expect({ route, status: response.status < 500 }).toEqual({ route, status: true });
        if (response.status === 404 && /^no route for /.test(response.body?.error?.message ?? '')) missing.push(route);
      }
      expect(missing).toEqual([]);
    });

    it('serves the document as /openapi.json and /openapi.yaml, outside the prefix', async () => {
      const yaml = readFileSync(docPath('openapi.yaml'), 'utf8');

      const json = await api.raw('get', '/openapi.json').expect(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.body).toEqual(parse(yaml));

      const text = await api.raw('get', '/openapi.yaml').buffer(true).parse((res, done) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done(null, body));
      }).expect(200);
      expect(text.headers['content-type']).toMatch(/^application\/yaml/);
      expect(text.body).toBe(yaml);
      expect(text.headers['x-request-id']).toBeDefined();
    });
  });
}
