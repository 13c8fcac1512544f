import type { Express } from 'express';
import { parse } from 'yaml';
import { loadOpenApiDocument } from '@flashfast/shared';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type Version = 'v1' | 'v2';

// A parsed YAML document is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenApi = Record<string, any>;

/** docs/openapi.yaml as the apps load it at start-up. */
export const openApiDocument = (): OpenApi => parse(loadOpenApiDocument().yaml) as OpenApi;

/** Every operation of the document with where it is written. */
export function operations(doc: OpenApi): Array<{ path: string; method: string; item: OpenApi; operation: OpenApi }> {
  return Object.entries(doc.paths as Record<string, OpenApi>).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({ path, method, item, operation: item[method] as OpenApi })),
  );
}

/**
 * `METHOD /path/{param}` of every operation a version serves. A path item without its own `servers`
 * is shared: relative to each top-level server (v1 at '/', v2 at '/api'). One with `servers` is
 * written in full, for the apps in its `x-served-by`.
 */
export function documentedRoutes(doc: OpenApi, version: Version): string[] {
  const routes: string[] = [];
  for (const { path, method, item } of operations(doc)) {
    const literal = Array.isArray(item.servers);
    if (literal && !(item['x-served-by'] as string[]).includes(version)) continue;
    const full = literal ? path : `${version === 'v2' ? '/api' : ''}${path}`;
    routes.push(`${method.toUpperCase()} ${full}`);
  }
  return routes.sort();
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  rawPath?: unknown;
  handle: { stack?: Layer[] };
}

const joinPath = (base: string, part: unknown): string => {
  if (typeof part !== 'string') throw new Error(`a route mounted on a non-string path (${String(part)}) cannot be checked`);
  return part === '/' ? base : `${base}${part}`;
};

/**
 * `METHOD /path/{param}` of every route an Express 5 app mounts, found by walking its router
 * (router 2.x keeps the mount path of a `use()` layer in `rawPath`). Plain middleware is skipped.
 */
export function mountedRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[], base: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = (joinPath(base, layer.route.path) || '/').replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) routes.push(`${method.toUpperCase()} ${path}`);
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, joinPath(base, layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(routes)].sort();
}

/** The error codes a response's schema allows (`allOf: [Error, {...code: {enum}}]`), if it narrows them. */
export function errorCodesOf(response: OpenApi): string[] | undefined {
  const schema = response.content?.['application/json']?.schema as OpenApi | undefined;
  for (const part of (schema?.allOf ?? []) as OpenApi[]) {
    const codes = part.properties?.error?.properties?.code?.enum as string[] | undefined;
    if (codes) return codes;
  }
  return undefined;
}

/** Follows a local `$ref` ('#/components/...'); throws if it leads nowhere. */
export function resolveRef(doc: OpenApi, ref: string): OpenApi {
  if (!ref.startsWith('#/')) throw new Error(`only local refs are used: ${ref}`);
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node as OpenApi;
}

/** Every `$ref` anywhere in the document, extensions (x-socketio) included. */
export function allRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => allRefs(child, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else allRefs(value, found);
    }
  }
  return found;
}
