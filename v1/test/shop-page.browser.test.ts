import path from 'node:path';
import { call } from '../../shared/test/support/http';
import { purchase, waitForOutcomes } from '../../shared/test/support/purchases';
import { errorCodesOf, openApiDocument, operations, resolveRef } from '../../shared/test/openapi/openapi-document';
import { BROWSER_SETUP_TIMEOUT_MS } from './support/browser';
import { horizontalOverflow, lowContrastText } from './support/page-checks';
import { startShop, VIEWPORTS, type SaleSpec, type Shop, type ShopPage, type Viewport } from './support/shop-page';

/** Waits for what the shopper should see; generous, never a measure of speed. */
const SEEN = { timeout: 30_000 };
/** `SHOP_PAGE_SCREENSHOTS=docs npx jest v1/test/shop-page.browser` refreshes docs/shop-page-<width>.png. */
const SCREENSHOTS = process.env.SHOP_PAGE_SCREENSHOTS;

const HEADPHONES: SaleSpec = { name: 'Aurora Headphones', price: 199.99, salePrice: 149.99, units: 10, maxPerUser: 2 };
const ref = (saleId: string) => `Sale ${saleId.slice(0, 8)}`;

/** Every error code the API document gives the two purchase operations, and v2's failure codes. */
function purchaseErrorCodes(): string[] {
  const doc = openApiDocument();
  const codes = new Set<string>(doc.components.schemas.PurchaseFailureCode.enum as string[]);
  for (const { operation } of operations(doc).filter(({ operation }) => ['purchaseV1', 'purchaseV2'].includes(operation.operationId))) {
    for (const response of Object.values(operation.responses as Record<string, { $ref?: string }>)) {
      errorCodesOf(response.$ref ? resolveRef(doc, response.$ref) : response)?.forEach((code) => codes.add(code));
    }
  }
  return [...codes].sort();
}

/**
 * The shop page in Debian's chromium, as a shopper uses it under `npm start` (v1 serves the page,
 * v2 runs on another origin). Each test arranges its own sales and shopper in a tab of its own;
 * before it, every sale an earlier test left open is switched off, so the page shows only its own.
 */
describe('the shop page, in a browser', () => {
  let shop: Shop;
  let tab: ShopPage | undefined;
  const open = async (viewport: Viewport = VIEWPORTS.phone) => (tab = await shop.openPage(viewport));

  beforeAll(async () => {
    shop = await startShop('shop_page');
  }, BROWSER_SETUP_TIMEOUT_MS);
  afterAll(() => shop?.stop(), 60_000);
  beforeEach(() => shop.closeOpenSales());
  afterEach(async () => {
    const problems = tab?.problems ?? [];
    await tab?.close();
    tab = undefined;
    expect(problems).toEqual([]); // no uncaught error, no Content-Security-Policy violation
  });

  describe.each(Object.entries(VIEWPORTS))('on a %s', (device, viewport) => {
    it(`fits ${viewport.width} px: nothing wider, the long signed-in line readable in the header, "Sign out" in reach`, async () => {
      const lamp = await shop.createSale({ name: 'Lumen Desk Lamp with an Adjustable Extra-Long Arm', price: 59.5, salePrice: 39.99, units: 25, maxPerUser: 3 });
      const headphones = await shop.createSale(HEADPHONES);
      const twin = await shop.createSale({ ...HEADPHONES, salePrice: 129.99, units: 5, maxPerUser: 1 });
      const kettle = await shop.createSale({ name: 'Nimbus Kettle', price: 89, salePrice: 49, units: 1, maxPerUser: 1 });
      expect((await purchase(shop.v2Url, kettle, (await shop.otherBuyer('Early Bird')).token)).status).toBe(202);
      const { page, region, saleCard, purchaseLine, buy } = await open(viewport);
      await saleCard(ref(kettle)).getByText('Sold out', { exact: true }).waitFor(SEEN);
      const expectItAllFits = async () => {
        const { scrollWidth, outside } = await horizontalOverflow(page);
        expect(outside).toEqual([]);
        expect(scrollWidth).toBeLessThanOrEqual(viewport.width);
        expect(await lowContrastText(page)).toEqual([]);
      };
      await expectItAllFits();

      const name = 'Maximiliana Bartholomew-Featherstonehaugh';
      const email = `maximiliana.featherstonehaugh.${device}.${Date.now()}@a-very-long-domain-name.example.com`;
      const form = page.getByRole('form', { name: 'Create an account' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Email').fill(email);
      await form.getByLabel('Password').fill('a-long-password');
      await form.getByRole('button', { name: 'Register' }).click();
      await page.getByRole('banner').getByText(email).waitFor(SEEN);
      expect(await page.getByRole('banner').innerText()).toContain(`Signed in as ${name}`);

      await buy(saleCard(ref(lamp)), 'v1');
      await buy(saleCard(ref(headphones)), 'v2');
      await buy(saleCard(ref(twin)), 'v1');
      await purchaseLine(ref(twin)).getByText(/^Confirmed/).waitFor(SEEN);
      await buy(saleCard(ref(twin)), 'v1');
      await purchaseLine(ref(headphones)).getByText(/→ Confirmed: order/).waitFor(SEEN);
      await buy(saleCard(ref(headphones)), 'v1', 3);
      await purchaseLine(ref(twin)).getByText(/^Not bought/).waitFor(SEEN);
      await region('Your orders').getByText('You have 3 orders.').waitFor(SEEN);
      await saleCard(ref(headphones)).getByText('You can buy at most 2 per customer in this sale.').waitFor(SEEN);
      await expectItAllFits();

      // The signed-in line stays inside the header, and the header inside the screen.
      const [header, whoami, signOut] = await Promise.all(
        ['banner', 'whoami', 'sign-out'].map((id) => (id === 'banner' ? page.getByRole('banner') : page.locator(`#${id}`)).boundingBox()),
      );
      for (const box of [whoami!, signOut!]) {
        expect(box.x).toBeGreaterThanOrEqual(header!.x);
        expect(box.x + box.width).toBeLessThanOrEqual(Math.min(header!.x + header!.width, viewport.width));
        expect(box.y + box.height).toBeLessThanOrEqual(header!.y + header!.height);
      }
      if (SCREENSHOTS) {
        await page.mouse.move(0, 0);
        await page.screenshot({ path: path.join(SCREENSHOTS, `shop-page-${viewport.width}.png`), fullPage: true });
      }

      // After a reload (the session survives it) the first Tab reaches "Sign out", with a visible focus ring.
      await page.reload();
      await page.getByRole('banner').getByText(email).waitFor(SEEN);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement!).outlineStyle }));
      expect(focused).toEqual({ text: 'Sign out', outline: 'solid' });
      await page.keyboard.press('Enter');
      await page.getByRole('banner').getByText('Not signed in').waitFor(SEEN);
      await region('Your orders').getByText('Log in to see your orders.').waitFor(SEEN);
    });
  });

  it('a visitor sees each sale with its price in the shop currency, the list price, the stock and the limit; live stock connects', async () => {
    const headphones = await shop.createSale(HEADPHONES);
    const { page, region, saleCard } = await open();

    const card = saleCard(ref(headphones));
    await card.getByText('Aurora Headphones', { exact: true }).waitFor(SEEN);
    await card.getByText('€149.99', { exact: true }).waitFor(SEEN);
    await card.getByText('€199.99', { exact: true }).waitFor(SEEN);
    await card.getByText('10 left', { exact: true }).waitFor(SEEN);
    await card.getByText('Up to 2 per customer').waitFor(SEEN);
    await page.getByText('Live stock: connected').waitFor(SEEN);
    await region('Your orders').getByText('Log in to see your orders.').waitFor(SEEN);
  });

  it('buying with v1 shows the confirmed order at once, on the card, in the purchases and the orders, and the stock one lower', async () => {
    const headphones = await shop.createSale(HEADPHONES);
    const shopper = await shop.registerShopper();
    const { page, region, saleCard, purchaseLine, logIn, buy } = await open();
    await logIn(shopper);

    await buy(saleCard(ref(headphones)), 'v1');

    const confirmed = /^Confirmed: order \w{8}, total €149\.99$/;
    await purchaseLine('Aurora Headphones × 1').getByText(confirmed).waitFor(SEEN);
    await saleCard(ref(headphones)).getByText(confirmed).waitFor(SEEN);
    await region('Your orders').getByText('You have 1 order.').waitFor(SEEN);
    const row = page.getByRole('table', { name: 'Your orders' }).getByRole('row').filter({ hasText: ref(headphones) });
    expect(await row.allInnerTexts()).toEqual([expect.stringMatching(/Aurora Headphones\s+Sale \w{8}\s+1\s+€149\.99\s+Confirmed/)]);
    await saleCard(ref(headphones)).getByText('9 left', { exact: true }).waitFor(SEEN);
  });

  it('buying with v2 shows "queued", then the confirmation the worker pushes, and the new order', async () => {
    const headphones = await shop.createSale(HEADPHONES);
    const shopper = await shop.registerShopper();
    const { region, saleCard, purchaseLine, logIn, buy } = await open();
    await logIn(shopper);

    await buy(saleCard(ref(headphones)), 'v2', 2);

    await purchaseLine('Aurora Headphones × 2').getByText(/^Queued \(request \w{8}\) → Confirmed: order \w{8}, total €299\.98$/).waitFor(SEEN);
    await region('Your orders').getByText('You have 1 order.').waitFor(SEEN);
    await saleCard(ref(headphones)).getByText('8 left', { exact: true }).waitFor(SEEN);
  });

  it('two sales of products with the same name are told apart on the cards, in the purchases and in the orders', async () => {
    const first = await shop.createSale(HEADPHONES);
    const second = await shop.createSale({ ...HEADPHONES, salePrice: 129.99 });
    const shopper = await shop.registerShopper();
    const { page, region, saleCard, purchaseLine, logIn, buy } = await open();
    await logIn(shopper);

    expect(await region('Live sales').getByRole('listitem').filter({ hasText: 'Aurora Headphones' }).count()).toBe(2);
    await buy(saleCard(ref(first)), 'v1');
    await buy(saleCard(ref(second)), 'v1');

    await purchaseLine(ref(first)).getByText(/total €149\.99$/).waitFor(SEEN);
    await purchaseLine(ref(second)).getByText(/total €129\.99$/).waitFor(SEEN);
    await region('Your orders').getByText('You have 2 orders.').waitFor(SEEN);
    const rows = page.getByRole('table', { name: 'Your orders' }).getByRole('row');
    expect(await rows.filter({ hasText: ref(first) }).innerText()).toMatch(/€149\.99/);
    expect(await rows.filter({ hasText: ref(second) }).innerText()).toMatch(/€129\.99/);
  });

  it('a quantity above the limit is explained on the card, and nothing is bought', async () => {
    const headphones = await shop.createSale(HEADPHONES);
    const shopper = await shop.registerShopper();
    const { page, region, saleCard, logIn, buy } = await open();
    await logIn(shopper);

    await buy(saleCard(ref(headphones)), 'v1', 3);

    await saleCard(ref(headphones)).getByText('You can buy at most 2 per customer in this sale.').waitFor(SEEN);
    expect(await saleCard(ref(headphones)).getByLabel('Quantity').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('quantity');
    await region('Your purchases').getByText('Nothing bought in this visit yet.').waitFor(SEEN);
    await region('Your orders').getByText('No orders yet.').waitFor(SEEN);
  });

  it('refusals read as words: past the limit (v1), not enough left (v2, at once), a sale paused while the page was open (v1)', async () => {
    const single = await shop.createSale({ ...HEADPHONES, maxPerUser: 1 });
    const lastUnit = await shop.createSale({ name: 'Nimbus Kettle', price: 89, salePrice: 49, units: 1, maxPerUser: 3 });
    const paused = await shop.createSale({ name: 'Lumen Desk Lamp', price: 59.5, salePrice: 39.99, units: 25, maxPerUser: 3 });
    const shopper = await shop.registerShopper();
    const { saleCard, purchaseLine, logIn, buy } = await open();
    await logIn(shopper);

    await buy(saleCard(ref(single)), 'v1');
    await purchaseLine(ref(single)).getByText(/^Confirmed/).waitFor(SEEN);
    await buy(saleCard(ref(single)), 'v1');
    await buy(saleCard(ref(lastUnit)), 'v2', 2);
    await saleCard(ref(paused)).getByText('25 left', { exact: true }).waitFor(SEEN);
    await shop.pauseSale(paused);
    await buy(saleCard(ref(paused)), 'v1');

    const notBought = (line: string, words: string) => purchaseLine(line).getByText(`Not bought: ${words}`, { exact: true }).waitFor(SEEN);
    await notBought(ref(single), 'This sale allows 1 per customer, and this purchase would take you past that.');
    await notBought(ref(lastUnit), 'Sorry, not enough units are left for that quantity.');
    await notBought(ref(paused), 'The shop has paused this sale.');
  });

  it('a v2 purchase the worker refuses after queueing it reads as words too (the outcome pushed over Socket.io)', async () => {
    const lantern = await shop.createSale({ name: 'Solace Lantern', price: 40, salePrice: 25, units: 2, maxPerUser: 2 });
    const firstBuyer = await shop.otherBuyer('First Buyer');
    const first = await purchase(shop.v2Url, lantern, firstBuyer.token);
    await waitForOutcomes(shop.v2Url, [{ requestId: first.body.requestId, token: firstBuyer.token }]);
    const shopper = await shop.registerShopper();
    const { saleCard, purchaseLine, logIn, buy } = await open();
    await logIn(shopper);
    await saleCard(ref(lantern)).getByText('1 left', { exact: true }).waitFor(SEEN);
    // v1 sells the last unit; v2's counters in Redis do not see v1's sales, so v2 still queues one.
    const lastBuyer = await shop.otherBuyer('Last Buyer');
    expect((await call(shop.v1Url, 'POST', `/flashsale/${lantern}/purchase`, { token: lastBuyer.token, body: { quantity: 1 } })).status).toBe(201);

    await buy(saleCard(ref(lantern)), 'v2');

    await purchaseLine(ref(lantern))
      .getByText(/^Queued \(request \w{8}\) → Not bought: Sorry, not enough units are left for that quantity\.$/)
      .waitFor(SEEN);
  });

  it('every error code a purchase can end with, in v1 and v2, has words of its own that do not show the code', async () => {
    const codes = [...purchaseErrorCodes(), 'NETWORK'];
    expect(codes).toEqual(expect.arrayContaining(['LIMIT_EXCEEDED', 'SOLD_OUT', 'PROCESSING_FAILED', 'OVERLOADED', 'RATE_LIMITED']));
    const { page } = await open();

    const words = (await page.evaluate(
      `import('/shop-words.js').then((words) => ${JSON.stringify([...codes, 'A_CODE_NOT_YET_INVENTED'])}.map((code) =>
        ({ code, own: words.hasPurchaseWords(code), text: words.purchaseProblem({ code }, { maxPerUser: 2 }) })))`,
    )) as { code: string; own: boolean; text: string }[];

    for (const { code, own, text } of words) {
      expect({ code, own: own || code === 'A_CODE_NOT_YET_INVENTED' }).toEqual({ code, own: true });
      expect(text).toMatch(/^[A-Z][^_]*[.]$/); // a sentence, no CODE_NAME in it
    }
  });

  it('registering with an email already taken, or a short password, says what to fix in words', async () => {
    const taken = await shop.registerShopper();
    const { page } = await open();
    const form = page.getByRole('form', { name: 'Create an account' });

    await form.getByLabel('Name').fill('Ann Again');
    await form.getByLabel('Email').fill(taken.email);
    await form.getByLabel('Password').fill('a-long-password');
    await form.getByRole('button', { name: 'Register' }).click();
    await form.getByText('An account with this email already exists. Log in instead.').waitFor(SEEN);

    await form.getByLabel('Email').fill('not-an-email');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Register' }).click();
    await form.getByText('Enter a valid email address. Use a password of at least 8 characters.').waitFor(SEEN);
  });

  it('the stock falls live when another buyer buys, and a sale whose last unit goes shows sold out and cannot be bought', async () => {
    const headphones = await shop.createSale(HEADPHONES);
    const kettle = await shop.createSale({ name: 'Nimbus Kettle', price: 89, salePrice: 49, units: 1, maxPerUser: 1 });
    const { saleCard } = await open();
    await saleCard(ref(kettle)).getByText('1 left', { exact: true }).waitFor(SEEN);

    expect((await purchase(shop.v2Url, headphones, (await shop.otherBuyer('Other Buyer')).token, 2)).status).toBe(202);
    expect((await purchase(shop.v2Url, kettle, (await shop.otherBuyer('Last Buyer')).token, 1)).status).toBe(202);

    await saleCard(ref(headphones)).getByText('8 left', { exact: true }).waitFor(SEEN);
    await saleCard(ref(headphones)).getByText('2 of 10 sold').waitFor(SEEN);
    await saleCard(ref(kettle)).getByText('Sold out', { exact: true }).waitFor(SEEN);
    expect(await saleCard(ref(kettle)).getByRole('button', { name: 'Buy' }).isDisabled()).toBe(true);
    expect(await saleCard(ref(headphones)).getByRole('button', { name: 'Buy' }).isDisabled()).toBe(false);
  });
});
