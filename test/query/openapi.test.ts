import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FileArchiveStore } from '../../functions/adapters/archive/file-archive-store';
import { DynamoDbDedupIndex } from '../../functions/adapters/dynamodb/dynamodb-dedup-index';
import {
  startEmbeddedDynamoDb,
  type EmbeddedDynamoDb,
} from '../../functions/adapters/local/embedded-dynamodb';
import { handleApiRequest, SERVED_PATHS, type ApiResponse } from '../../functions/query/http-api';
import { openApiDocument, OPENAPI_PATH } from '../../functions/query/openapi';
import { QueryCore } from '../../functions/query/query-core';
import { API_ROUTES } from '../../functions/query/routes';
import { checkJsonSchema } from './helpers/json-schema-check';

type Operation = {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema?: Record<string, unknown> }> }
  >;
};
const doc = openApiDocument() as {
  openapi: string;
  paths: Record<string, { get: Operation }>;
  components: { schemas: Record<string, unknown> };
};

/** Sample values a client would send, by parameter name. */
const SAMPLE: Record<string, string> = {
  host: 'dailyplanet.example',
  from: '2026-11-01',
  to: '2026-11-30',
  text: 'Some paragraph text',
  q: 'bridge',
  id: 'a'.repeat(32),
};

function bodyText(response: ApiResponse): string {
  return 'body' in response ? response.body : '';
}

describe('OpenAPI document', () => {
  let dir: string;
  let dynamo: EmbeddedDynamoDb;
  let core: QueryCore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    dynamo = await startEmbeddedDynamoDb({ dataDir: dir, tableName: 'openapi-test' });
    core = new QueryCore({
      index: new DynamoDbDedupIndex({ tableName: 'openapi-test', client: dynamo.client }),
      archive: new FileArchiveStore(join(dir, 'archive')),
    });
  });
  afterAll(async () => {
    await dynamo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is OpenAPI 3.1 and lists exactly the paths the router serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([...SERVED_PATHS].sort());
    // Written out by hand so that dropping a route from both the router and the document fails here.
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/articles',
        '/articles/{id}',
        '/articles/{id}/copies',
        '/articles/{id}/story',
        '/export',
        '/hosts',
        '/hosts/{host}/stats',
        '/openapi.json',
        '/paragraphs',
        '/search',
      ].sort(),
    );
  });

  it('documents every parameter of every route, with its location and whether it is required', () => {
    for (const route of API_ROUTES) {
      const operation = doc.paths[route.path].get;
      const expected = [
        ...Object.keys(route.pathParams.shape).map((name) => ({ name, in: 'path', required: true })),
        ...Object.entries(route.query.shape as Record<string, z.ZodType>).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !schema.safeParse(undefined).success,
        })),
      ];
      expect(
        operation.parameters.map(({ name, in: location, required }) => ({ name, in: location, required })),
      ).toEqual(expected);
      const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(placeholders);
      for (const status of ['200', '400'])
        expect(operation.responses[status], `${route.path} ${status}`).toBeDefined();
    }
  });

  it('every $ref resolves and every component schema is one the checker can read', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
    for (const schema of Object.values(doc.components.schemas)) {
      const problems = checkJsonSchema(doc as never, schema as never, {});
      expect(problems.join('\n')).not.toMatch(/does not know keyword/);
    }
  });

  it('every documented path answers (never "no route"), with a status the document lists', async () => {
    for (const [path, { get }] of Object.entries(doc.paths)) {
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(SAMPLE[name]));
      const query = Object.fromEntries(
        get.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, SAMPLE[p.name]]),
      );
      const response = await handleApiRequest(core, { method: 'GET', path: concrete, query });
      expect(bodyText(response), path).not.toMatch(/no route/);
      expect(Object.keys(get.responses), `${path} answered ${response.status}`).toContain(
        String(response.status),
      );
    }
  });

  it('the router refuses paths the document does not list', async () => {
    for (const path of ['/', '/article', '/articles/x/y/z', '/hosts/a/b', '/view', '/openapi.yaml']) {
      const response = await handleApiRequest(core, { method: 'GET', path, query: {} });
      expect(response.status, path).toBe(404);
      expect(bodyText(response)).toMatch(/no route/);
    }
  });

  it('is served at /openapi.json by the API itself', async () => {
    const response = await handleApiRequest(core, { method: 'GET', path: OPENAPI_PATH, query: {} });
    expect(response.status).toBe(200);
    expect(JSON.parse(bodyText(response))).toEqual(doc);
  });
});
