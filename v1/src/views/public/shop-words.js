// What the shopper reads when something did not work: a sentence for every error code a purchase
// can end with (v1's answer, v2's immediate answer, v2's outcome pushed over Socket.io or read
// from its status URL), never the code itself. The browser test checks every code of the API
// document's purchase operations has one here.

const pleaseRetry = (error) => {
  const seconds = error.retryAfterSeconds;
  return seconds ? `Please try again in ${seconds} second${seconds === 1 ? '' : 's'}.` : 'Please try again in a moment.';
};

const CHECK_ORDERS = 'Check your orders before you try again.';
// The page itself sent something the API could not take: a fault of the page, not the shopper.
const PAGE_FAULT = () => 'Something went wrong in this page, and nothing was bought. Please reload it and try again.';

/** code -> (error, sale) -> sentence. `sale` is the sale as the page shows it (for its limit). */
const PURCHASE_WORDS = {
  SOLD_OUT: () => 'Sorry, not enough units are left for that quantity.',
  LIMIT_EXCEEDED: (_error, sale) =>
    `This sale allows ${sale.maxPerUser} per customer, and this purchase would take you past that.`,
  SALE_NOT_STARTED: () => 'This sale has not started yet.',
  SALE_ENDED: () => 'This sale has ended.',
  SALE_INACTIVE: () => 'The shop has paused this sale.',
  NOT_FOUND: () => 'This sale no longer exists.',
  PROCESSING_FAILED: () => 'A problem on our side stopped this purchase, and nothing was bought.',
  OVERLOADED: (error) => `The shop is very busy right now, and nothing was bought. ${pleaseRetry(error)}`,
  UNAVAILABLE: (error) => `The shop is briefly unavailable, and nothing was bought. ${pleaseRetry(error)}`,
  RATE_LIMITED: (error) => `You are buying faster than the shop allows. ${pleaseRetry(error)}`,
  UNAUTHENTICATED: () => 'Your session has ended. Please log in again.',
  FORBIDDEN: () => 'Your account is not allowed to buy.',
  VALIDATION_ERROR: (_error, sale) => `Enter a whole number from 1 to ${sale.maxPerUser}.`,
  IDEMPOTENCY_KEY_REUSED: () => 'This repeats an earlier purchase with other details, so nothing was bought.',
  NETWORK: () => `The shop could not be reached, so this purchase may or may not have gone through. ${CHECK_ORDERS}`,
  MALFORMED_JSON: PAGE_FAULT,
  UNSUPPORTED_MEDIA_TYPE: PAGE_FAULT,
  PAYLOAD_TOO_LARGE: PAGE_FAULT,
  INTERNAL: () => `Something went wrong on our side. ${CHECK_ORDERS}`,
};

/** Why a purchase did not go through, in words. Unknown codes get the careful fallback. */
export function purchaseProblem(error, sale) {
  const words = PURCHASE_WORDS[error.code] || PURCHASE_WORDS.INTERNAL;
  return words(error, sale);
}

/** True when the page has words of its own for this purchase error code (the browser test asks). */
export const hasPurchaseWords = (code) => Object.hasOwn(PURCHASE_WORDS, code);

const FIELD_WORDS = {
  name: 'Enter your name.',
  email: 'Enter a valid email address.',
  password: 'Use a password of at least 8 characters.',
};

/** Why registering or logging in failed, in words; VALIDATION_ERROR names each field to fix. */
export function accountProblem(error) {
  switch (error.code) {
    case 'VALIDATION_ERROR': {
      const fields = Array.isArray(error.details) ? error.details.map((issue) => String(issue.path).replace(/^body\./, '')) : [];
      const sentences = [...new Set(fields)].map((field) => FIELD_WORDS[field] || `Check the ${field}.`);
      return sentences.join(' ') || 'Check the form and try again.';
    }
    case 'EMAIL_TAKEN':
      return 'An account with this email already exists. Log in instead.';
    case 'UNAUTHENTICATED':
      return 'The email or password is wrong.';
    case 'RATE_LIMITED':
      return `Too many attempts. ${pleaseRetry(error)}`;
    default:
      return generalProblem(error);
  }
}

/** Why the sales or the orders could not be read. */
export function generalProblem(error) {
  if (error.code === 'NETWORK') return 'The shop could not be reached. Check your connection and try again.';
  if (error.code === 'OVERLOADED' || error.code === 'UNAVAILABLE' || error.code === 'RATE_LIMITED') {
    return `The shop is busy. ${pleaseRetry(error)}`;
  }
  return 'Something went wrong on our side. Please try again.';
}
