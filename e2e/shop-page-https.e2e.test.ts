import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../shared/test/factories';
import { eventually } from '../shared/test/support/eventually';
import { call } from '../shared/test/support/http';
import { BROWSER_SETUP_TIMEOUT_MS, launchChromium } from '../v1/test/support/browser';
import { homeTrusting } from './support/browser-trust';
import { CLUSTER_START_TIMEOUT, startTestCluster, type TestCluster } from './support/test-cluster';
import { trustInThisFile } from './support/trust';

// `npm run cluster -- --tls` as a shopper meets it: the shop page over HTTPS in chromium, which
// trusts the cluster's local authority as a user who added it would, and a v2 purchase whose
// result the worker pushes over wss://.
const SEEN = { timeout: 30_000 };
const PRODUCT = `Secure Lamp ${randomUUID().slice(0, 8)}`;

let test: TestCluster;
let home: string;
let browser: Browser;
let page: Page;
const frames: { url: string; payload: string }[] = [];
const pageProblems: string[] = [];

beforeAll(async () => {
  test = await startTestCluster({ v1: 1, v2: 1, workers: 1, tls: true });
  home = homeTrusting(test.ca!);
  browser = await launchChromium({ env: { ...process.env, HOME: home } });
  page = await browser.newPage({ viewport: { width: 1180, height: 720 } });
  page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Mixed Content|ERR_CERT/i.test(message.text())) pageProblems.push(message.text());
  });
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push({ url: socket.url(), payload: String(payload) })));

  const admin = await createUser(test.deps, 'admin');
  const product = await call<{ product: { id: string } }>(test.baseUrl, 'POST', '/api/products', { token: admin.token, body: { name: PRODUCT, price: 40, stock: 5 } });
  const sale = await call(test.baseUrl, 'POST', '/api/flashsale-events', {
    token: admin.token,
    body: { productId: product.body.product.id, startTime: new Date(Date.now() - 60_000).toISOString(), endTime: new Date(Date.now() + 3_600_000).toISOString(), availableStock: 5, salePrice: 30 },
  });
  expect(sale.status).toBe(201);
}, CLUSTER_START_TIMEOUT + BROWSER_SETUP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await test?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
}, 60_000);
trustInThisFile(() => test?.ca);

describe('the shop page over HTTPS, in a browser trusting the local authority', () => {
  it('loads over HTTPS (the certificate verifies) with HSTS, and its live stock connects over wss://', async () => {
    const response = await page.goto(test.baseUrl);

    expect(response?.status()).toBe(200);
    expect(await response?.headerValue('strict-transport-security')).toBe('max-age=31536000');
    expect(await page.evaluate('window.isSecureContext')).toBe(true);
    await page.getByText('Live stock: connected').waitFor(SEEN);
    await page.getByRole('listitem').filter({ hasText: PRODUCT }).waitFor(SEEN);
    expect(frames.map((frame) => new URL(frame.url).protocol)).toContain('wss:');
  });

  it('a shopper registers and buys through v2: the worker pushes the confirmation over wss://', async () => {
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Name').fill('Tess Secure');
    await form.getByLabel('Email').fill(`tess-${randomUUID().slice(0, 8)}@example.test`);
    await form.getByLabel('Password').fill('a-long-password');
    await form.getByRole('button', { name: 'Register' }).click();
    await page.getByText(/Signed in as Tess Secure/).waitFor(SEEN);

    await page.getByRole('radio', { name: /v2/ }).check();
    await page.getByRole('listitem').filter({ hasText: PRODUCT }).getByRole('button', { name: /buy/i }).click();

    const confirmation = async () => frames.find((frame) => /"purchase",\{.*"status":"confirmed"/.test(frame.payload));
    const { value: pushed } = await eventually(confirmation, (frame) => frame !== undefined, SEEN.timeout);
    expect(new URL(pushed!.url)).toMatchObject({ protocol: 'wss:', host: new URL(test.baseUrl).host });
  });

  it('ran without an uncaught error, a CSP violation, mixed content or a certificate error', () => {
    expect(pageProblems).toEqual([]);
  });
});
