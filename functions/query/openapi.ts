import { z } from 'zod';
import { API_ROUTES, type ApiRoute } from './routes';
import { apiRegistry } from './schemas';

/** Where the document is served (by the API itself). */
export const OPENAPI_PATH = '/openapi.json';
/** API version: bump the minor for additions, the major for breaking changes. */
export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

/** A zod schema as a JSON Schema fragment for OpenAPI 3.1 (JSON Schema 2020-12), `$schema` removed. */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = apiRegistry.get(schema)?.id;
  if (id) return { $ref: COMPONENT_PREFIX + id };
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** Component schemas: every registered response schema, cross-referenced by `$ref`. */
function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (schemaId) => COMPONENT_PREFIX + schemaId,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $schema: _s, $id: _i, ...schema }]) => [name, schema]),
  );
}

function parameters(route: ApiRoute): JsonSchema[] {
  const describe = (location: 'path' | 'query', shape: Record<string, z.ZodType>) =>
    Object.entries(shape).map(([name, schema]) => {
      const required = location === 'path' || !schema.safeParse(undefined).success;
      const json = toSchema(schema, 'input');
      const { description, ...rest } = json;
      return { name, in: location, required, ...(description ? { description } : {}), schema: rest };
    });
  return [
    ...describe('path', route.pathParams.shape as Record<string, z.ZodType>),
    ...describe('query', route.query.shape as Record<string, z.ZodType>),
  ];
}

function operation(route: ApiRoute): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const response of route.responses) {
    const content = response.content
      ? Object.fromEntries(
          Object.entries(response.content).map(([type, media]) => [
            type,
            media.schema ? { schema: toSchema(media.schema, 'output') } : {},
          ]),
        )
      : undefined;
    responses[String(response.status)] = {
      description: response.description,
      ...(content ? { content } : {}),
    };
  }
  // Every route has a strict query schema, so any route can answer 400.
  responses['400'] ??= {
    description: 'Invalid or unknown parameter (the message says which).',
    content: { 'application/json': { schema: { $ref: `${COMPONENT_PREFIX}Error` } } },
  };
  responses['503'] = {
    description: 'Storage unavailable; retry.',
    content: { 'application/json': { schema: { $ref: `${COMPONENT_PREFIX}Error` } } },
  };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    parameters: parameters(route),
    responses,
  };
}

let cached: JsonSchema | undefined;

/**
 * The OpenAPI 3.1 document of the query API, generated from the route table and the zod
 * response schemas (so it always lists exactly the routes the router serves).
 *
 * @example
 * const doc = openApiDocument();
 * Object.keys(doc.paths); // ['/hosts', '/hosts/{host}/stats', '/articles', ...]
 */
export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const paths: Record<string, JsonSchema> = {};
  for (const route of API_ROUTES) paths[route.path] = { get: operation(route) };
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      parameters: [],
      responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': {} } } },
    },
  };
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'News archive query API',
      version: API_VERSION,
      description:
        'Read-only queries over the clean article archive: articles by host and day, one article as JSON, Markdown or text, copies and story clusters, paragraph provenance, host figures, JSON Lines export. Locally served by `npm run cli -- serve` on 127.0.0.1; on AWS behind a Lambda Function URL with IAM auth (sign requests with SigV4, service `lambda`).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [
      { url: 'http://127.0.0.1:8787', description: 'local `serve` (default port)' },
      {
        url: 'https://{functionUrlId}.lambda-url.{region}.on.aws',
        description: 'query Lambda Function URL (IAM auth)',
        variables: { functionUrlId: { default: 'example' }, region: { default: 'us-east-1' } },
      },
    ],
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 (service `lambda`), required by the Function URL; not used locally.',
        },
      },
    },
    paths,
  };
  return cached;
}
