import type { Browser, Locator, Page } from 'playwright-core';
import type { Deps } from '@flashfast/shared';
import { createApp } from '../src/app';
import { createUser } from '../../shared/test/factories';
import { call, serveApp, type ServedApp } from '../../shared/test/support/http';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { purchase } from '../../v2/test/support/purchases';
import { startV2Stack, type V2Stack } from '../../v2/test/support/v2-stack';
import { BROWSER_SETUP_TIMEOUT_MS, launchChromium, scratchDatabase } from './support/browser';

/** Waits for what the shopper should see; generous, never a measure of speed. */
const SEEN = { timeout: 30_000 };
const database = scratchDatabase('shop_page');

/**
 * The shop page in a real browser (Debian's chromium), as a shopper uses it under `npm start`:
 * v1 serves the page on one origin, v2 (API, Socket.io, a worker) runs on another.
 */
describe('the shop page, in a browser', () => {
  let v2: V2Stack;
  let v1Deps: Deps;
  let v1: ServedApp;
  let browser: Browser;
  let page: Page;
  const sales: Record<'headphones' | 'kettle', string> = { headphones: '', kettle: '' };
  const pageProblems: string[] = [];

  const region = (name: string): Locator => page.getByRole('region', { name });
  const saleCard = (product: string): Locator => region('Live sales').getByRole('listitem').filter({ hasText: product });
  const purchaseLine = (text: string): Locator => region('Your purchases').getByRole('listitem').filter({ hasText: text });
  const buyWith = async (version: 'v1: instant answer' | 'v2: queued', product: string) => {
    await page.getByLabel(version).check();
    await saleCard(product).getByRole('button', { name: 'Buy' }).click();
  };

  async function createSaleViaApi(admin: string, name: string, price: number, salePrice: number, units: number, maxPerUser: number) {
    const product = await call<{ product: { id: string } }>(v2.url, 'POST', '/api/products', {
      token: admin,
      body: { name, price, stock: units },
    });
    const sale = await call<{ event: { id: string } }>(v2.url, 'POST', '/api/flashsale-events', {
      token: admin,
      body: {
        productId: product.body.product.id,
        startTime: new Date(Date.now() - 60_000).toISOString(),
        endTime: new Date(Date.now() + 3_600_000).toISOString(),
        availableStock: units,
        salePrice,
        maxPerUser,
      },
    });
    expect(sale.status).toBe(201);
    return sale.body.event.id;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    v2 = await startV2Stack({ worker: true, env: { DATABASE_URL: database.url } });
    // Another origin than v2's (another port), as under `npm start`: the page needs CORS and PUBLIC_V2_URL.
    v1Deps = await createTestDeps({ DATABASE_URL: database.url, PUBLIC_V2_URL: v2.url });
    v1 = await serveApp(createApp(v1Deps));

    const admin = (await createUser(v2.deps, 'admin')).token;
    await createSaleViaApi(admin, 'Lumen Desk Lamp', 59.5, 39.99, 25, 3);
    sales.kettle = await createSaleViaApi(admin, 'Nimbus Kettle', 89, 49, 1, 1);
    sales.headphones = await createSaleViaApi(admin, 'Aurora Headphones', 199.99, 149.99, 10, 2);

    page = await browser.newPage({ viewport: { width: 1180, height: 720 } });
    page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageProblems.push(`CSP: ${message.text()}`);
    });
    await page.goto(v1.url);
  }, BROWSER_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await v1?.close();
    if (v1Deps) await closeTestDeps(v1Deps);
    await v2?.close();
    await database.drop();
  });

  it('a visitor sees the open sales with their sale price and the stock, and live stock connects', async () => {
    const headphones = saleCard('Aurora Headphones');
    await headphones.getByText('149.99', { exact: true }).waitFor(SEEN);
    await headphones.getByText('10 left', { exact: true }).waitFor(SEEN);
    await saleCard('Nimbus Kettle').getByText('1 left', { exact: true }).waitFor(SEEN);
    await saleCard('Lumen Desk Lamp').getByText('25 left', { exact: true }).waitFor(SEEN);
    await page.getByText('Live stock: connected').waitFor(SEEN);
    await region('Your orders').getByText('Log in to see your orders.').waitFor(SEEN);
  });

  it('a shopper registers with name, email and password and is signed in', async () => {
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Name').fill('Ann Shopper');
    await form.getByLabel('Email').fill(`ann-${process.pid}@example.test`);
    await form.getByLabel('Password').fill('a-long-password');
    await form.getByRole('button', { name: 'Register' }).click();

    await page.getByText(`Signed in as Ann Shopper (ann-${process.pid}@example.test)`).waitFor(SEEN);
    await region('Your orders').getByText('No orders yet.').waitFor(SEEN);
  });

  it('buying with v1 shows the confirmed order at once, in the orders, and the stock one lower', async () => {
    await buyWith('v1: instant answer', 'Aurora Headphones');

    await purchaseLine('v1 · Aurora Headphones × 1').getByText(/^Confirmed: order \w{8}, total 149\.99$/).waitFor(SEEN);
    await region('Your orders').getByText('You have 1 order.').waitFor(SEEN);
    const row = page.getByRole('table', { name: 'Your orders' }).getByRole('row').filter({ hasText: 'Aurora Headphones' });
    expect(await row.allInnerTexts()).toEqual([expect.stringMatching(/Aurora Headphones\s+1\s+149\.99\s+confirmed/)]);
    await saleCard('Aurora Headphones').getByText('9 left', { exact: true }).waitFor(SEEN);
  });

  it('buying with v2 shows "queued", then the confirmation the worker pushes, and the new order', async () => {
    await buyWith('v2: queued', 'Aurora Headphones');

    const line = purchaseLine('v2 · Aurora Headphones × 1');
    await line.getByText(/^Queued \(request \w{8}\) → Confirmed: order \w{8}, total 149\.99$/).waitFor(SEEN);
    await region('Your orders').getByText('You have 2 orders.').waitFor(SEEN);
    await saleCard('Aurora Headphones').getByText('8 left', { exact: true }).waitFor(SEEN);
  });

  it('a refused purchase shows the error code and what it means', async () => {
    await buyWith('v1: instant answer', 'Aurora Headphones');

    await purchaseLine('v1 · Aurora Headphones × 1')
      .getByText('Refused: LIMIT_EXCEEDED: that would pass the limit per customer for this sale')
      .waitFor(SEEN);
    await region('Your orders').getByText('You have 2 orders.').waitFor(SEEN);
  });

  it('when another buyer buys, the stock on the page falls live, without a reload', async () => {
    const other = await createUser(v2.deps, 'customer', 'Other Buyer');
    expect((await purchase(v2.url, sales.headphones, other.token, 2)).status).toBe(202);

    await saleCard('Aurora Headphones').getByText('6 left', { exact: true }).waitFor(SEEN);
    await saleCard('Aurora Headphones').getByText('4 of 10 sold').waitFor(SEEN);
  });

  it('when another buyer takes the last unit, the sale shows sold out and cannot be bought', async () => {
    const other = await createUser(v2.deps, 'customer', 'Last Buyer');
    expect((await purchase(v2.url, sales.kettle, other.token, 1)).status).toBe(202);

    const kettle = saleCard('Nimbus Kettle');
    await kettle.getByText('Sold out', { exact: true }).waitFor(SEEN);
    expect(await kettle.getByRole('button', { name: 'Buy' }).isDisabled()).toBe(true);
    expect(await saleCard('Lumen Desk Lamp').getByRole('button', { name: 'Buy' }).isDisabled()).toBe(false);

    // For docs/shop-page.png: SHOP_PAGE_SCREENSHOT=docs/shop-page.png npx jest v1/test/shop-page
    if (process.env.SHOP_PAGE_SCREENSHOT) {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: process.env.SHOP_PAGE_SCREENSHOT, fullPage: true });
    }
  });

  it('ran without an uncaught error or a Content-Security-Policy violation', () => {
    expect(pageProblems).toEqual([]);
  });
});
