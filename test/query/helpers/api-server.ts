import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createQueryListener } from '../../../functions/cli/commands/serve';
import type { QueryCore } from '../../../functions/query/query-core';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

/** Serves a query core with the real `serve` listener on 127.0.0.1 (ephemeral port). */
export async function startApiServer(core: QueryCore): Promise<{
  baseUrl: string;
  get(path: string, init?: RequestInit): Promise<TestResponse>;
  close(): Promise<void>;
}> {
  const errors: unknown[] = [];
  const server = createServer(createQueryListener(core, (error) => errors.push(error)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    async get(path, init) {
      const response = await fetch(baseUrl + path, init);
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: <T>() => JSON.parse(text) as T,
      };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
