// What the shop page's scripts (public/*.js) find on `window`: the settings v1 serves as /config.js,
// and socket.io's client once its script has loaded. For the type-check only (tsconfig.views.json).
interface Window {
  /** v1's shop-page.routes.ts writes it. */
  FLASHFAST_CONFIG?: { v2Url?: string; currency?: string };
  io?: (url: string, options?: Record<string, unknown>) => ShopSocket;
}

interface ShopSocket {
  // The events' payloads are the socket contract's (docs/api.md); the page reads them unchecked.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): ShopSocket;
  emit(event: string, ...args: unknown[]): ShopSocket;
  disconnect(): ShopSocket;
}
