import { errorContractViolation, inPool, rawRequest, type RawRequest } from './raw-http';
import { expectedStatuses, type RouteSpec, type Stage } from './routes';
import { authHeader, CALLERS, type Caller, type World } from './world';

/** One malformed request, independent of who sends it. */
export interface BadRequest {
  label: string;
  stage: Stage;
  /** The status an admin gets; undefined when any 4xx is acceptable. */
  status?: number;
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  chunked?: boolean;
  /** Send these headers instead of the caller's Authorization. */
  replaceAuth?: boolean;
}

export interface MatrixCase {
  name: string;
  request: RawRequest;
  expect?: number[];
}

/** Crosses requests with callers: every request is sent by an anonymous client, a customer and an admin. */
export function forEveryCaller(
  world: World,
  route: RouteSpec,
  requests: BadRequest[],
  callers: readonly Caller[] = CALLERS,
): MatrixCase[] {
  return callers.flatMap((caller) =>
    requests.map((bad) => ({
      name: `${caller} ${route.method} ${route.path} [${bad.label}]`,
      expect: expectedStatuses(route, caller, bad.stage, bad.status),
      request: {
        method: route.method,
        path: bad.path ?? `${world.prefix}${route.path.replace(':id', route.id?.(world) ?? '')}`,
        headers: { ...(bad.replaceAuth ? {} : authHeader(world, caller)), ...bad.headers },
        body: bad.body,
        chunked: bad.chunked,
      },
    })),
  );
}

/** Sends every case and describes each one that broke the error contract; an empty list is a pass. */
export async function violations(world: World, cases: MatrixCase[]): Promise<string[]> {
  const outcomes = await inPool(cases, 8, async (matrixCase) => {
    const response = await rawRequest(world.url, matrixCase.request).catch((error: Error) => error);
    if (response instanceof Error) return `${matrixCase.name}: request failed (${response.message})`;
    const problem = errorContractViolation(response, matrixCase.expect);
    return problem && `${matrixCase.name}: ${problem} ${response.text.slice(0, 160)}`;
  });
  return outcomes.filter((outcome): outcome is string => outcome !== undefined);
}
