import fs from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import { handshake } from './support/tls-probe';
import { accessLog, CLUSTER_START_TIMEOUT, loggedRequest, startTestCluster, type TestCluster } from './support/test-cluster';
import { trustInThisFile } from './support/trust';

// The edge's TLS as a client meets it: what it accepts and refuses, resumption, HTTP/2, and
// plain HTTP sent to HTTPS.
let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({ v1: 1, v2: 1, workers: 0, tls: true });
}, CLUSTER_START_TIMEOUT);
afterAll(() => test?.stop(), 60_000);
trustInThisFile(() => test?.ca);

const httpsPort = () => Number(new URL(test.baseUrl).port);
// Also what a client on an old OpenSSL default would allow: TLS 1.0 and 1.1 need security level 0.
const legacyClient = { ciphers: 'DEFAULT@SECLEVEL=0', minVersion: 'TLSv1' } as const;

describe('TLS versions and ciphers', () => {
  it('TLS 1.3 is accepted, with HTTP/2 offered by ALPN and a certificate that verifies against the local authority', async () => {
    const agreed = await handshake(httpsPort(), { ca: test.ca, ALPNProtocols: ['h2', 'http/1.1'] });

    expect(agreed).toMatchObject({ protocol: 'TLSv1.3', alpn: 'h2', authorized: true });
  });

  it('TLS 1.2 is accepted with a forward-secret AEAD cipher', async () => {
    const agreed = await handshake(httpsPort(), { ca: test.ca, maxVersion: 'TLSv1.2' });

    expect(agreed.protocol).toBe('TLSv1.2');
    expect(agreed.cipher).toMatch(/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  it.each(['TLSv1', 'TLSv1.1'] as const)('%s is refused by the server, even to a client that offers it', async (version) => {
    await expect(handshake(httpsPort(), { ...legacyClient, ca: test.ca, maxVersion: version })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
    // The same client, allowed TLS 1.2, gets in: the refusal above was the server's.
    expect((await handshake(httpsPort(), { ...legacyClient, ca: test.ca, maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
  });

  it('TLS 1.2 ciphers without forward secrecy or with CBC are refused', async () => {
    const weak = 'AES128-SHA:AES256-SHA256:AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-SHA';

    await expect(handshake(httpsPort(), { ca: test.ca, maxVersion: 'TLSv1.2', ciphers: weak })).rejects.toMatchObject({
      code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    });
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('a returning %s client resumes its session instead of a full handshake', async (version) => {
    const first = await handshake(httpsPort(), { ca: test.ca, minVersion: version, maxVersion: version });
    const again = await handshake(httpsPort(), { ca: test.ca, minVersion: version, maxVersion: version, session: first.session });

    expect({ first: first.reused, again: again.reused }).toEqual({ first: false, again: true });
  });
});

describe('HTTP/2', () => {
  it('a client speaking HTTP/2 is answered by the apps behind the edge', async () => {
    const session = http2.connect(test.baseUrl, { ca: test.ca });
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': '/api/products', 'x-request-id': 'over-h2' });
        let body = '';
        let status = 0;
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
      });

      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toHaveProperty('items');
      expect(await loggedRequest(test, 'over-h2')).toMatchObject({ protocol: 'HTTP/2.0', tls: 'TLSv1.3' });
    } finally {
      session.close();
    }
  });
});

describe('plain HTTP', () => {
  const plain = (method: string, path: string) => fetch(`${test.httpUrl}${path}`, { method, redirect: 'manual' });

  it('GET and HEAD are sent to the same URL over HTTPS with 301, other methods with 308 (the method stays)', async () => {
    const get = await plain('GET', '/products?limit=5');
    const head = await plain('HEAD', '/api/products');
    const post = await plain('POST', '/api/auth/login');

    expect([get.status, head.status, post.status]).toEqual([301, 301, 308]);
    expect(get.headers.get('location')).toBe(`${test.baseUrl}/products?limit=5`);
    expect(head.headers.get('location')).toBe(`${test.baseUrl}/api/products`);
    expect(post.headers.get('location')).toBe(`${test.baseUrl}/api/auth/login`);
    // Nothing sent in clear reached an instance, and HSTS is only ever sent over HTTPS.
    expect(accessLog(test).filter((entry) => entry.scheme === 'http' && entry.upstream !== '')).toEqual([]);
    expect(get.headers.get('strict-transport-security')).toBeNull();
  });

  it('a client that follows the redirect ends on the HTTPS answer', async () => {
    const followed = await fetch(`${test.httpUrl}/products`);

    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${test.baseUrl}/products`);
    expect(followed.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('an ACME HTTP-01 challenge is answered over plain HTTP, so a certificate authority can check the domain', async () => {
    // Where certbot --webroot would write it (compose mounts ACME_WEBROOT there; locally: <run dir>/acme).
    const challenges = path.join(test.cluster.runDir, 'acme/.well-known/acme-challenge');
    fs.mkdirSync(challenges, { recursive: true });
    fs.writeFileSync(path.join(challenges, 'token-123'), 'token-123.account-thumbprint');

    const answer = await plain('GET', '/.well-known/acme-challenge/token-123');

    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('token-123.account-thumbprint');
  });

  it('/healthz answers over plain HTTP too, for load balancers and health checks', async () => {
    const health = await plain('GET', '/healthz');

    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
