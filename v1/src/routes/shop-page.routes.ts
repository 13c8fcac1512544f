import path from 'node:path';
import express, { Router, type Response } from 'express';
import type { Config } from '@flashfast/shared';

// The page's files stay in src/ and are served from there by both src (tests) and dist (compiled).
const PAGE_DIR = path.resolve(__dirname, '../../src/views/public');

/** Scripts from here and from v2 (the Socket.io client), calls to both, nothing inline. */
export function contentSecurityPolicy(v2Url: string): string {
  // 'self' covers same-origin WebSockets; another origin must be named for ws(s) explicitly.
  const v2Sources = v2Url ? [v2Url, v2Url.replace(/^http/, 'ws')] : [];
  return [
    "default-src 'none'",
    ['script-src', "'self'", ...v2Sources.slice(0, 1)].join(' '),
    ['connect-src', "'self'", ...v2Sources].join(' '),
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The shop page at GET / (plain files, no build step) and GET /config.js, which tells the page
 * where v2 is and the currency of its prices. Unknown paths fall through to the API's JSON 404.
 */
export function shopPageRoutes(config: Pick<Config, 'PUBLIC_V2_URL' | 'SHOP_CURRENCY'>): Router {
  const router = Router();
  const policy = contentSecurityPolicy(config.PUBLIC_V2_URL);
  const settings = { v2Url: config.PUBLIC_V2_URL, currency: config.SHOP_CURRENCY };
  const pageConfig = `window.FLASHFAST_CONFIG = Object.freeze(${JSON.stringify(settings)});\n`;

  router.get('/config.js', (_req, res) => {
    res.type('text/javascript').send(pageConfig);
  });
  router.use(
    express.static(PAGE_DIR, {
      index: 'index.html',
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res: Response) => {
        // Not fingerprinted, so revalidate (ETag) on every load: a deploy is seen at once.
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('Content-Security-Policy', policy);
      },
    }),
  );
  return router;
}
