import { readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import type { Deps } from '@flashfast/shared';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { createApp } from '../src/app';

const PAGE_DIR = path.resolve(__dirname, '../src/views/public');

describe('v1 serves the shop page at / and still answers unknown paths with the JSON 404', () => {
  let deps: Deps;
  let app: Express;
  beforeAll(async () => {
    deps = await createTestDeps({ PUBLIC_V2_URL: 'http://localhost:3002' });
    app = createApp(deps);
  });
  afterAll(() => closeTestDeps(deps));

  it('GET / is the page, revalidated on every load, under a policy that allows this origin and v2 only', async () => {
    const response = await request(app).get('/').expect(200).expect('Content-Type', /text\/html/);

    expect(response.text).toContain('<title>FlashFast shop</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers.etag).toBeDefined();
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self' http://localhost:3002; connect-src 'self' http://localhost:3002 ws://localhost:3002; " +
        "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    await request(app).get('/').set('If-None-Match', response.headers.etag!).expect(304);
  });

  it('every script module of the page, the style sheet and the icon are served with their types', async () => {
    const modules = readdirSync(PAGE_DIR).filter((file) => file.endsWith('.js'));
    expect(modules).toEqual(expect.arrayContaining(['shop.js', 'shop-api.js', 'shop-words.js']));
    for (const file of modules) await request(app).get(`/${file}`).expect(200).expect('Content-Type', /javascript/);
    await request(app).get('/shop.css').expect(200).expect('Content-Type', /text\/css/);
    await request(app).get('/favicon.svg').expect(200).expect('Content-Type', /image\/svg\+xml/);
  });

  it('GET /config.js tells the page where v2 is, and is never cached', async () => {
    const response = await request(app).get('/config.js').expect(200).expect('Content-Type', /javascript/);

    expect(response.text).toBe('window.FLASHFAST_CONFIG = Object.freeze({"v2Url":"http://localhost:3002","currency":"USD"});\n');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('unknown paths, other methods on the page and escapes from its folder are the JSON NOT_FOUND', async () => {
    for (const [method, path] of [['get', '/nope'], ['get', '/shop.js/x'], ['post', '/'], ['delete', '/shop.js'], ['get', '/..%2fapp.ts'], ['get', '/.hidden']] as const) {
      const response = await request(app)[method](path).expect(404).expect('Content-Type', /json/);
      expect(response.body.error.code).toBe('NOT_FOUND');
      // The API's own policy (data runs nothing), not the page's.
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('v1 sends no CORS headers: the page is on its own origin', async () => {
    const response = await request(app).get('/flashsale-events').set('Origin', 'http://elsewhere.test').expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the page on the same origin as v2 (behind nginx)', () => {
  it('config.js says so with an empty v2Url (and gives the configured currency), and the policy names no other origin', async () => {
    const deps = await createTestDeps({ SHOP_CURRENCY: 'gbp' });
    try {
      const app = createApp(deps);
      expect((await request(app).get('/config.js')).text).toContain('{"v2Url":"","currency":"GBP"}');
      expect((await request(app).get('/')).headers['content-security-policy']).toContain("script-src 'self'; connect-src 'self'; style-src");
    } finally {
      await closeTestDeps(deps);
    }
  });
});
