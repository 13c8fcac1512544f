import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { call } from '../shared/test/support/http';
import { eventually } from '../shared/test/support/eventually';
import { CLUSTER_START_TIMEOUT, instances, startTestCluster, type TestCluster } from './support/test-cluster';
import { trustInThisFile } from './support/trust';

// The edge as production runs it (HTTPS), seen from the client's side of the TLS.
const AUTH_LIMIT = 3;
let test: TestCluster;

beforeAll(async () => {
  // Debug: the apps log each request with the client and scheme they understood.
  // No restarts: 'when instances die' needs the killed instances to stay dead.
  test = await startTestCluster({ v1: 2, v2: 1, workers: 0, tls: true, restart: false, env: { RATE_LIMIT_AUTH_MAX: String(AUTH_LIMIT), LOG_LEVEL: 'debug' } });
}, CLUSTER_START_TIMEOUT);
afterAll(() => test?.stop(), 60_000);
trustInThisFile(() => test?.ca);

const port = () => Number(new URL(test.baseUrl).port);

/** Bytes as a client sends them, and nginx's answer split into status, headers and body. */
function rawRequest(bytes: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port: port(), host: '127.0.0.1', servername: 'localhost', ca: test.ca }, () => socket.write(Buffer.from(bytes, 'latin1')));
    let received = '';
    // Done once the whole answer is in: nginx may then reset a connection whose body it never read.
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? NaN);
      if (end < 0 || received.length < end + 4 + length) return;
      socket.destroy();
      resolve({ status: Number(received.split(' ')[1]), headers: received.slice(0, end), body: received.slice(end + 4) });
    });
    socket.on('error', reject);
  });
}

/** A login attempt from a given source address (nginx sees it as the client), with optional extra headers. */
function loginFrom(localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ email: 'nobody@example.test', password: 'not-the-password' });
    const request = https.request(
      { host: '127.0.0.1', port: port(), localAddress, ca: test.ca, method: 'POST', path: '/auth/login', agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The request log line (debug) a v1 instance wrote for this request id, once it is there. */
async function appLogLine(requestId: string): Promise<Record<string, unknown>> {
  const lines = async () => instances(test, 'v1').flatMap((proc) => fs.readFileSync(proc.logFile, 'utf8').split('\n'));
  const isIt = (text: string) => text.includes(`"reqId":"${requestId}"`) && text.includes('"msg":"request"');
  const { value } = await eventually(lines, (all) => all.some(isIt), 10_000);
  return JSON.parse(value.find(isIt)!) as Record<string, unknown>;
}

const jsonError = (answer: { headers: string; body: string }) => ({
  json: /content-type: application\/json/i.test(answer.headers),
  body: JSON.parse(answer.body) as { error: { code: string; message: string } },
});

describe('nginx answers what it refuses in the API error shape, never HTML', () => {
  it.each([
    { name: 'a request line that is not HTTP', bytes: 'GARBAGE\r\n\r\n', status: 400, code: 'VALIDATION_ERROR' },
    { name: 'a URI over the header buffer', bytes: `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, status: 414, code: 'VALIDATION_ERROR' },
    { name: 'a header over the header buffer', bytes: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, status: 431, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'a header name with a space', bytes: 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', status: 400, code: 'VALIDATION_ERROR' },
    {
      name: 'a body far over the limit (refused unread)',
      bytes: 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
  ])('$name: $status $code', async ({ bytes, status, code }) => {
    const answer = await rawRequest(bytes);

    expect(answer.status).toBe(status);
    expect(jsonError(answer)).toEqual({ json: true, body: { error: { code, message: expect.any(String) } } });
  });
});

describe('the client address behind nginx', () => {
  it('a client cannot dodge the login rate limit with its own X-Forwarded-For, and another address has its own budget', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= AUTH_LIMIT; attempt += 1) {
      statuses.push(await loginFrom('127.0.0.2', { 'x-forwarded-for': `10.0.0.${attempt}`, 'x-real-ip': `10.0.0.${attempt}` }));
    }

    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(401), 429]);
    expect(await loginFrom('127.0.0.3')).toBe(401);
  });

  it('the app sees the real client and https, whatever the headers a client sends claim', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const spoofing = { 'x-request-id': 'who-am-i', 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.9', forwarded: 'for=198.51.100.7;proto=http' };
      https
        .get({ host: '127.0.0.1', port: port(), localAddress: '127.0.0.4', ca: test.ca, path: '/products', headers: spoofing, agent: false }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        })
        .on('error', reject);
    });

    expect(answer).toBe(200);
    expect(await appLogLine('who-am-i')).toMatchObject({ url: '/products', status: 200, client: '127.0.0.4', secure: true });
  });

  it("a client's X-Request-Id is kept end to end; without one, nginx makes one the app answers with", async () => {
    const given = await fetch(`${test.baseUrl}/healthz`, { headers: { 'x-request-id': 'trace-me-123' } });
    const made = await fetch(`${test.baseUrl}/api/products`);

    expect(given.headers.get('x-request-id')).toBe('trace-me-123');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('when instances die', () => {
  it('one v1 gone: requests go to the other; all gone: 502 UNAVAILABLE in JSON with Retry-After', async () => {
    const [first, second] = instances(test, 'v1');
    first!.child.kill('SIGKILL');
    await first!.exited;
    for (let i = 0; i < 4; i += 1) expect((await call(test.baseUrl, 'GET', '/products')).status).toBe(200);

    second!.child.kill('SIGKILL');
    await second!.exited;
    const down = await fetch(`${test.baseUrl}/products`);

    expect(down.status).toBe(502);
    expect(down.headers.get('content-type')).toMatch(/^application\/json/);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(await down.json()).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } });
    // v2 is another upstream: it still answers.
    expect((await call(test.baseUrl, 'GET', '/api/products')).status).toBe(200);
  });
});
