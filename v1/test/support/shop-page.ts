import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeDeps, type Deps } from '@flashfast/shared';
import { createApp } from '../../src/app';
import { createUser } from '../../../shared/test/factories';
import { call, serveApp, type ServedApp } from '../../../shared/test/support/http';
import { closeTestDeps, createTestDeps } from '../../../shared/test/support/test-deps';
import { startV2Processes, type V2Processes } from '../../../shared/test/support/v2-processes';
import { launchChromium, scratchDatabase } from './browser';

export interface Viewport {
  width: number;
  height: number;
}

/** The widths the page must fit: a phone, a tablet, a laptop. */
export const VIEWPORTS: Readonly<Record<'phone' | 'tablet' | 'desktop', Viewport>> = {
  phone: { width: 390, height: 844 },
  tablet: { width: 768, height: 1024 },
  desktop: { width: 1366, height: 900 },
};

export interface SaleSpec {
  name: string;
  price: number;
  salePrice: number;
  units: number;
  maxPerUser: number;
}

export interface Shopper {
  name: string;
  email: string;
  password: string;
  token: string;
}

/** A browser tab of its own (a fresh context: no session, no storage) and what it let slip. */
export interface ShopPage {
  page: Page;
  /** Uncaught errors and Content-Security-Policy violations, as they happened. */
  problems: string[];
  region(name: string): Locator;
  saleCard(text: string): Locator;
  purchaseLine(text: string): Locator;
  logIn(shopper: Shopper): Promise<void>;
  buy(card: Locator, version: 'v1' | 'v2', quantity?: number): Promise<void>;
  close(): Promise<void>;
}

const VERSION_LABELS = { v1: 'v1: instant answer', v2: 'v2: queued' } as const;
const PASSWORD = 'a-long-password';

/**
 * The shop page as a shopper meets it under `npm start`: v1 (in this process) serves the page on
 * one origin, v2's compiled API and worker run as processes on another, all on a database and a
 * Redis prefix of this file's own. The page shows prices in euros (SHOP_CURRENCY=EUR).
 */
export async function startShop(label: string) {
  const database = scratchDatabase(label);
  const shared = { DATABASE_URL: database.url, REDIS_KEY_PREFIX: `test:${randomUUID().slice(0, 8)}:`, SHOP_CURRENCY: 'EUR' };
  // Undone in reverse order by stop(), also when starting fails half-way.
  const cleanups: Array<() => Promise<unknown>> = [() => database.drop()];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  let browser: Browser, deps: Deps, v1Deps: Deps, v1: ServedApp, v2: V2Processes, admin: string;
  try {
    browser = await launchChromium();
    cleanups.push(() => browser.close());
    // The test's own connections (users); they migrate the database before v2 starts, and at the
    // very end remove the prefix's Redis keys, v2's queues included.
    deps = await createTestDeps(shared);
    cleanups.push(() => closeTestDeps(deps));
    v2 = await startV2Processes({
      ...shared,
      JWT_SECRET: deps.config.JWT_SECRET,
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_PURCHASE_MAX: '100000',
      PURCHASE_BACKOFF_MS: '50',
    });
    cleanups.push(() => v2.stop());
    v1Deps = await createTestDeps({ ...shared, PUBLIC_V2_URL: v2.url });
    cleanups.push(() => closeDeps(v1Deps));
    v1 = await serveApp(createApp(v1Deps));
    cleanups.push(() => v1.close());
    admin = (await createUser(deps, 'admin')).token;
  } catch (error) {
    await stop();
    throw error;
  }

  const asAdmin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await call<T>(v1.url, method, path, { token: admin, body });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  return {
    v1Url: v1.url,
    v2Url: v2.url,

    /** A product and a sale of all its units, open from a minute ago for a day. */
    async createSale(spec: SaleSpec): Promise<string> {
      const { product } = await asAdmin<{ product: { id: string } }>('POST', '/products', { name: spec.name, price: spec.price, stock: spec.units });
      const { event } = await asAdmin<{ event: { id: string } }>('POST', '/flashsale-events', {
        productId: product.id,
        startTime: new Date(Date.now() - 60_000).toISOString(),
        endTime: new Date(Date.now() + 86_400_000).toISOString(),
        availableStock: spec.units,
        salePrice: spec.salePrice,
        maxPerUser: spec.maxPerUser,
      });
      return event.id;
    },

    /** Another customer, straight in the database, with a token for both versions. */
    otherBuyer: (name: string) => createUser(deps, 'customer', name),

    pauseSale: (id: string) => asAdmin('PATCH', `/flashsale-events/${id}`, { isActive: false }),

    /** A clean slate for the next test: every sale still open is switched off, so the page shows none. */
    async closeOpenSales(): Promise<void> {
      const { items } = await asAdmin<{ items: { id: string }[] }>('GET', '/flashsale-events?active=true&limit=100');
      for (const { id } of items) await asAdmin('PATCH', `/flashsale-events/${id}`, { isActive: false });
    },

    /** A customer registered through v1's API, as the page would, with a unique email. */
    async registerShopper(name = 'Ann Shopper', email = `ann-${randomUUID().slice(0, 8)}@example.test`): Promise<Shopper> {
      const answer = await call<{ token: string }>(v1.url, 'POST', '/auth/register', { body: { name, email, password: PASSWORD } });
      if (answer.status !== 201) throw new Error(`register: ${answer.status} ${JSON.stringify(answer.body)}`);
      return { name, email, password: PASSWORD, token: answer.body.token };
    },

    async openPage(viewport: Viewport): Promise<ShopPage> {
      const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
      });
      await page.goto(v1.url);
      const region = (name: string) => page.getByRole('region', { name });
      const shopPage: ShopPage = {
        page,
        problems,
        region,
        saleCard: (text) => region('Live sales').getByRole('listitem').filter({ hasText: text }),
        purchaseLine: (text) => region('Your purchases').getByRole('listitem').filter({ hasText: text }),
        async logIn(shopper) {
          const form = page.getByRole('form', { name: 'Log in' });
          await form.getByLabel('Email').fill(shopper.email);
          await form.getByLabel('Password').fill(shopper.password);
          await form.getByRole('button', { name: 'Log in' }).click();
          await page.getByRole('button', { name: 'Sign out' }).waitFor();
        },
        async buy(card, version, quantity) {
          await page.getByLabel(VERSION_LABELS[version]).check();
          if (quantity !== undefined) await card.getByLabel('Quantity').fill(String(quantity));
          await card.getByRole('button', { name: 'Buy' }).click();
        },
        close: () => context.close(),
      };
      return shopPage;
    },

    stop,
  };
}

export type Shop = Awaited<ReturnType<typeof startShop>>;
