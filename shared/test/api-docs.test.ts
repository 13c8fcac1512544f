import { readFileSync } from 'node:fs';
import { docPath, statusOf, type ErrorCode } from '@flashfast/shared';
import { openApiDocument, operations, type OpenApi } from './openapi/openapi-document';

// docs/api.md is the contract written for a client's author; docs/openapi.yaml the same contract in
// full detail. They must not drift: same routes, same error codes and statuses, same Socket.io events.
const doc = openApiDocument();
const apiMd = readFileSync(docPath('api.md'), 'utf8');

/** The first cell of every table row that names a route: `METHOD /path`. */
const routesInApiMd = (): string[] =>
  [...apiMd.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)` \|/gm)].map((match) => `${match[1]} ${match[2]}`);

/** `| 409 | `A`, `B` |` rows of the errors table, as code -> status. */
function errorTable(): Map<string, number> {
  const section = apiMd.slice(apiMd.indexOf('## Errors'));
  const table = new Map<string, number>();
  for (const [, status, codes] of section.matchAll(/^\| (\d{3}) \| (.*) \|$/gm)) {
    // The codes themselves, not what a parenthesis says about them (`BODY_LIMIT` is a setting).
    for (const [, code] of codes!.replace(/\([^)]*\)/g, '').matchAll(/`([A-Z_]+)`/g)) table.set(code!, Number(status));
  }
  return table;
}

describe('docs/api.md', () => {
  it('lists exactly the operations of docs/openapi.yaml, written as its paths are', () => {
    const documented = operations(doc).map(({ path, method }) => `${method.toUpperCase()} ${path}`);

    expect([...routesInApiMd()].sort()).toEqual([...documented].sort());
  });

  it("has every error code of openapi.yaml in its errors table, each at the status the error middleware answers", () => {
    const codes = (doc.components.schemas as Record<string, OpenApi>).ErrorCode!.enum as ErrorCode[];
    const table = errorTable();

    expect([...table.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) expect({ code, status: table.get(code) }).toEqual({ code, status: statusOf(code) });
  });

  it("names every Socket.io namespace and event of openapi.yaml's x-socketio", () => {
    const namespaces = doc['x-socketio'].namespaces as Record<string, OpenApi>;
    const names = Object.entries(namespaces).flatMap(([namespace, spec]) => [
      namespace,
      ...Object.keys(spec.clientEvents ?? {}),
      ...Object.keys(spec.serverEvents ?? {}),
    ]);

    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !apiMd.includes(`\`${name}\``))).toEqual([]);
  });

  it('links only to files that exist in the repository', () => {
    const links = [...apiMd.matchAll(/\]\(([^)#]+)[^)]*\)/g)].map((match) => match[1]!);
    expect(links.filter((link) => /^[a-z]+:/.test(link) || !exists(docPath(link)))).toEqual([]);
  });
});

function exists(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}
