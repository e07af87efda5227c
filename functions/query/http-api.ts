import type { z } from 'zod';
import { InvalidInputError, NotFoundError, StorageError } from '../errors';
import { openApiDocument, OPENAPI_PATH } from './openapi';
import type { QueryCore } from './query-core';
import { API_ROUTES, type ApiRoute } from './routes';

/** A transport-neutral HTTP request: the local server and the Lambda Function URL both map to it. */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
}

/** A response with its whole body. */
export interface BufferedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A response whose body is produced line by line (export); each chunk says where to resume after it. */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string>;
  stream: AsyncIterable<{ line: string; cursor: string }>;
}

export type ApiResponse = BufferedResponse | StreamedResponse;

const json = (
  status: number,
  value: unknown,
  extraHeaders: Record<string, string> = {},
): BufferedResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...extraHeaders },
  body: JSON.stringify(value),
});

/** A compiled route: its template as a regular expression with named groups. */
interface CompiledRoute {
  route: ApiRoute;
  pattern: RegExp;
}

const COMPILED: CompiledRoute[] = API_ROUTES.map((route) => ({
  route,
  // Path parameters match one non-empty segment; the rest of the template is literal.
  pattern: new RegExp(
    `^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`,
  ),
}));

/** Path templates the router serves, the OpenAPI document's own path included. */
export const SERVED_PATHS: readonly string[] = [...API_ROUTES.map((r) => r.path), OPENAPI_PATH];

/**
 * Routes one query API request to the query core. Parameters are validated against the route's
 * schemas (400 with a message naming the parameter), unknown ids give 404, unknown paths 404 with
 * `no route`, other methods 405; storage failures give 503 without internals.
 *
 * @example
 * const response = await handleApiRequest(core, { method: 'GET', path: '/articles', query: { host: 'example.com' } });
 */
export async function handleApiRequest(
  core: QueryCore,
  request: ApiRequest,
  options: { logError?: (error: unknown) => void } = {},
): Promise<ApiResponse> {
  const path = request.path.replace(/\/+$/, '') || '/';
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return json(
      405,
      { error: `method ${request.method} not allowed: the query API is read-only` },
      { allow: 'GET, HEAD' },
    );
  }
  if (path === OPENAPI_PATH) return json(200, openApiDocument());
  const match = matchRoute(path);
  if (!match) return json(404, { error: `no route ${path}; see ${OPENAPI_PATH}` });
  try {
    const params = parseParams(match.route, match.pathParams, request.query);
    const result = await match.route.run(core, params);
    if (result.kind === 'json') return json(200, result.value);
    if (result.kind === 'text')
      return { status: 200, headers: { 'content-type': result.contentType }, body: result.body };
    return { status: 200, headers: { 'content-type': result.contentType }, stream: result.lines };
  } catch (error) {
    const response = errorResponse(error);
    if (response.status >= 500) options.logError?.(error);
    return response;
  }
}

/** Maps an error to its HTTP answer; only deliberate errors say more than "internal error". */
export function errorResponse(error: unknown): BufferedResponse {
  if (error instanceof InvalidInputError) return json(400, { error: error.message });
  if (error instanceof NotFoundError) return json(404, { error: error.message });
  if (error instanceof StorageError)
    return json(503, { error: 'storage unavailable, retry later' }, { 'retry-after': '1' });
  return json(500, { error: 'internal error' });
}

function matchRoute(path: string): { route: ApiRoute; pathParams: Record<string, string> } | undefined {
  for (const { route, pattern } of COMPILED) {
    const found = pattern.exec(path);
    if (!found) continue;
    const pathParams: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.groups ?? {})) {
      try {
        pathParams[name] = decodeURIComponent(value);
      } catch {
        pathParams[name] = value;
      }
    }
    return { route, pathParams };
  }
  return undefined;
}

function parseParams(
  route: ApiRoute,
  pathParams: Record<string, string>,
  query: ApiRequest['query'],
): Record<string, unknown> {
  const definedQuery = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  const parsedPath = route.pathParams.safeParse(pathParams);
  if (!parsedPath.success) throw new InvalidInputError(describeIssues(parsedPath.error));
  const parsedQuery = route.query.safeParse(definedQuery);
  if (!parsedQuery.success) throw new InvalidInputError(describeIssues(parsedQuery.error));
  return { ...parsedQuery.data, ...parsedPath.data };
}

/** One line naming each bad parameter, e.g. `limit: Too big: expected number to be <=100`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown parameter(s): ${issue.keys.join(', ')}`;
      const name = issue.path.join('.') || 'parameters';
      if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
        return `${name}: required`;
      return `${name}: ${issue.message}`;
    })
    .join('; ');
}
