// How the shop page writes money, times and references. The currency is the shop's one currency
// (SHOP_CURRENCY, sent by v1 in /config.js); the API's amounts carry none.

const CONFIG = window.FLASHFAST_CONFIG || {};
// The page is written in English, so numbers and dates are too, whatever the browser's language.
const LOCALE = document.documentElement.lang || 'en';

/** `v2Url`: '' (this origin, behind nginx) or v2's own origin (under `npm start`). */
export const V2 = CONFIG.v2Url || '';

function currencyFormat(currency) {
  try {
    const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    // Prices have up to two decimals: a currency shown without cents (JPY) must not round them away.
    const { minimumFractionDigits, maximumFractionDigits } = format.resolvedOptions();
    if (maximumFractionDigits >= 2) return format;
    return new Intl.NumberFormat(LOCALE, { style: 'currency', currency, minimumFractionDigits, maximumFractionDigits: 2 });
  } catch {
    return new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
}

const MONEY = currencyFormat(CONFIG.currency || 'USD');
const WHEN = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

/** 149.99 -> "$149.99" (or "€149.99", "CA$149.99", ...). */
export const money = (amount) => MONEY.format(Number(amount));

/** An ISO time -> "Jan 1, 2030, 12:00 AM", in the shopper's time zone. */
export const when = (iso) => WHEN.format(new Date(iso));

/** The first 8 characters of an id: enough to tell sales, orders and requests apart on screen. */
export const shortId = (id) => String(id).slice(0, 8);

/** What tells two sales of products with the same name apart: their reference and their end. */
export const saleReference = (sale) => `Sale ${shortId(sale.id)} · ends ${when(sale.endTime)}`;
