import request from 'supertest';
import type { Express } from 'express';
import type { Deps } from '@flashfast/shared';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { createApp } from '../src/app';
import { createApiServices, silentBroadcaster, type ApiServices } from '../src/services';

const PAGE = 'http://localhost:3001';

describe('v2 answers the shop page from another origin (CORS, no credentials)', () => {
  let deps: Deps;
  let services: ApiServices;
  let app: Express;
  beforeAll(async () => {
    deps = await createTestDeps();
    services = createApiServices(deps);
    app = createApp(deps, services, silentBroadcaster);
  });
  afterAll(async () => {
    await services.close();
    await closeTestDeps(deps);
  });

  it('a preflight for a purchase with a token is allowed: 204 with the methods and headers the page sends', async () => {
    const response = await request(app)
      .options('/api/flashsale/00000000-0000-4000-8000-000000000000/purchase')
      .set('Origin', PAGE)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type')
      .expect(204);

    expect(response.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key, X-Request-Id',
      'access-control-max-age': '600',
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers, errors included, let the page read the body and the headers it needs', async () => {
    const ok = await request(app).get('/api/flashsale-events?active=true').set('Origin', PAGE).expect(200);
    const refused = await request(app).get('/api/orders').set('Origin', PAGE).expect(401);

    for (const response of [ok, refused]) {
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-expose-headers']).toBe('Location, Retry-After, X-Request-Id, Idempotent-Replayed');
    }
  });

  it('an OPTIONS request that is not a preflight is left to the router as before', async () => {
    const response = await request(app).options('/api/products');
    expect(response.status).not.toBe(204);
  });
});
