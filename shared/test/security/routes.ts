import { randomUUID } from 'node:crypto';
import type { Caller, World } from './world';

export type Access = 'public' | 'user' | 'admin';

/** What a body field holds; each kind has its own table of malformed values. */
export type FieldKind =
  | 'name'
  | 'text'
  | 'level'
  | 'role'
  | 'email'
  | 'password'
  | 'loginPassword'
  | 'uuid'
  | 'instant'
  | 'flag'
  | 'money'
  | 'count'
  | 'positive'
  | 'imageUrl';

export interface BodyExtra {
  label: string;
  body: Record<string, unknown>;
  status: number;
}

/** One route of docs/api.md, with what a valid request looks like so one thing at a time can be broken. */
export interface RouteSpec {
  method: string;
  /** Without the version prefix; `:id` is the one path parameter. */
  path: string;
  access: Access;
  /** A valid body for an admin (register and login ignore the caller). */
  body?: (world: World) => Record<string, unknown>;
  fields?: Record<string, FieldKind>;
  required?: string[];
  /** Valid, but refused for a reason of state; must change nothing either. */
  extras?: (world: World) => BodyExtra[];
  /** The id to put in `:id` for an otherwise valid request. */
  id?: (world: World) => string;
  list?: boolean;
  /** Route-specific malformed query strings, besides the pagination ones. */
  badQueries?: string[];
  /** Only mounted under this prefix (the v2 additions of docs/api.md). */
  onlyUnder?: string;
}

const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

const productFields: Record<string, FieldKind> = { name: 'name', price: 'money', stock: 'count', image: 'imageUrl' };

const ROUTES: RouteSpec[] = [
  {
    method: 'POST',
    path: '/auth/register',
    access: 'public',
    body: () => ({ name: 'Matrix Person', email: `matrix-${randomUUID()}@example.test`, password: 'long-enough-password' }),
    fields: { name: 'name', email: 'email', password: 'password' },
    required: ['name', 'email', 'password'],
    extras: (w) => [
      { label: 'email already taken', body: { name: 'Twin', email: w.customer.email, password: 'long-enough-password' }, status: 409 },
      { label: 'taken email in capitals', body: { name: 'Twin', email: w.admin.email.toUpperCase(), password: 'long-enough-password' }, status: 409 },
    ],
  },
  {
    method: 'POST',
    path: '/auth/login',
    access: 'public',
    body: (w) => ({ email: w.customer.email, password: w.customer.password }),
    fields: { email: 'email', password: 'loginPassword' },
    required: ['email', 'password'],
    extras: (w) => [
      { label: 'wrong password', body: { email: w.customer.email, password: 'wrong-password' }, status: 401 },
      { label: 'unknown email', body: { email: `nobody-${randomUUID()}@example.test`, password: 'whatever-1' }, status: 401 },
      { label: 'password over 72 bytes', body: { email: w.customer.email, password: `${w.customer.password}${'x'.repeat(80)}` }, status: 401 },
    ],
  },
  { method: 'GET', path: '/auth/me', access: 'user' },
  // Only forged tokens reach it here (a genuine one would log the suite's users out).
  { method: 'POST', path: '/auth/logout', access: 'user' },
  { method: 'GET', path: '/users', access: 'admin', list: true, badQueries: ['role=owner', 'role=ADMIN', 'email=nope', 'email[]=x', 'role=admin&role=customer'] },
  {
    method: 'PATCH',
    path: '/users/:id',
    access: 'admin',
    // The customer's own role: even a body accepted by mistake would change nothing.
    id: (w) => w.customer.id,
    body: () => ({ role: 'customer' }),
    fields: { role: 'role' },
    required: ['role'],
  },
  { method: 'GET', path: '/products', access: 'public', list: true },
  { method: 'GET', path: '/products/:id', access: 'public', id: (w) => w.productId },
  {
    method: 'POST',
    path: '/products',
    access: 'admin',
    body: () => ({ name: 'Matrix product', price: 9.99, stock: 5, image: 'https://example.test/a.png' }),
    fields: productFields,
    required: ['name', 'price', 'stock'],
  },
  {
    method: 'PATCH',
    path: '/products/:id',
    access: 'admin',
    id: (w) => w.productId,
    body: () => ({ name: 'Renamed', price: 1, stock: 3, image: null }),
    fields: productFields,
  },
  { method: 'DELETE', path: '/products/:id', access: 'admin', id: (w) => w.productId },
  {
    method: 'GET',
    path: '/flashsale-events',
    access: 'public',
    list: true,
    badQueries: ['active=maybe', 'active=TRUE', 'active=1', 'active=true&active=false', 'productId=42', 'productId[]=x'],
  },
  { method: 'GET', path: '/flashsale-events/:id', access: 'public', id: (w) => w.sale.id },
  {
    method: 'POST',
    path: '/flashsale-events',
    access: 'admin',
    body: (w) => ({
      productId: w.productId,
      startTime: minutesFromNow(-60),
      endTime: minutesFromNow(60),
      availableStock: 2,
      salePrice: 5,
      maxPerUser: 1,
    }),
    fields: {
      productId: 'uuid',
      startTime: 'instant',
      endTime: 'instant',
      availableStock: 'positive',
      salePrice: 'money',
      maxPerUser: 'positive',
    },
    required: ['productId', 'startTime', 'endTime', 'availableStock'],
    extras: (w) => {
      const sale = { productId: w.productId, availableStock: 1 };
      return [
        { label: 'end before start', body: { ...sale, startTime: minutesFromNow(60), endTime: minutesFromNow(30) }, status: 400 },
        { label: 'window in the past', body: { ...sale, startTime: minutesFromNow(-60), endTime: minutesFromNow(-30) }, status: 400 },
        { label: 'more units than the product has', body: { ...sale, availableStock: 51, startTime: minutesFromNow(1), endTime: minutesFromNow(60) }, status: 409 },
        { label: 'unknown product', body: { ...sale, productId: randomUUID(), startTime: minutesFromNow(1), endTime: minutesFromNow(60) }, status: 404 },
      ];
    },
  },
  {
    method: 'PATCH',
    path: '/flashsale-events/:id',
    access: 'admin',
    id: (w) => w.sale.id,
    body: () => ({ startTime: minutesFromNow(-120), endTime: minutesFromNow(120), isActive: false }),
    fields: { startTime: 'instant', endTime: 'instant', isActive: 'flag' },
    extras: () => [{ label: 'end before the current start', body: { endTime: '2000-01-01T00:00:00Z' }, status: 400 }],
  },
  {
    method: 'POST',
    path: '/flashsale/:id/purchase',
    access: 'user',
    id: (w) => w.sale.id,
    body: () => ({ quantity: 1 }),
    fields: { quantity: 'positive' },
    required: ['quantity'],
  },
  { method: 'GET', path: '/orders', access: 'user', list: true, badQueries: ['userId=42', 'eventId=not-a-uuid', 'userId=%00', 'eventId[]=x'] },
  { method: 'GET', path: '/orders/:id', access: 'user', id: (w) => w.orderId },
  // v2 only (docs/api.md): purchase status, announcements, queue health.
  { method: 'GET', path: '/flashsale/purchases/:id', access: 'user', id: () => randomUUID(), onlyUnder: '/api' },
  {
    method: 'POST',
    path: '/announcements',
    access: 'admin',
    body: () => ({ message: 'Matrix announcement', level: 'info' }),
    fields: { message: 'text', level: 'level' },
    required: ['message'],
    onlyUnder: '/api',
  },
  { method: 'GET', path: '/admin/queues', access: 'admin', onlyUnder: '/api' },
];

/** The routes of docs/api.md that exist under `prefix`. */
export const routesFor = (prefix: string): RouteSpec[] =>
  ROUTES.filter((route) => route.onlyUnder === undefined || route.onlyUnder === prefix);

export const pathOf = (world: World, route: RouteSpec, id = route.id?.(world) ?? ''): string =>
  `${world.prefix}${route.path.replace(':id', id)}`;

/** The status a caller is stopped with before the route looks at the input, if any. */
export function gate(route: RouteSpec, caller: Caller): number | undefined {
  if (route.access === 'public') return undefined;
  if (caller === 'anonymous') return 401;
  if (route.access === 'admin' && caller === 'customer') return 403;
  return undefined;
}

/**
 * Where a malformed request is refused: `parser` before any route (body parsing), `routing` while
 * matching the path (before or after authentication, depending on the router), `handler` after it.
 */
export type Stage = 'parser' | 'routing' | 'handler';

/** The statuses a caller may get for a case refused with `status` at `stage`; undefined: any 4xx. */
export function expectedStatuses(route: RouteSpec, caller: Caller, stage: Stage, status?: number): number[] | undefined {
  const stopped = gate(route, caller);
  if (stage === 'handler' && stopped !== undefined) return [stopped];
  if (status === undefined) return undefined;
  if (stage === 'routing' && stopped !== undefined) return [status, stopped];
  return [status];
}
