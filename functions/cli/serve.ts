import { createServer } from 'node:http';
import type { Config } from '../config';
import { handleApiRequest } from '../query/http-api';
import { QueryCore } from '../query/query-core';
import { consoleLog } from './console-log';
import { openLocalPipeline } from './local-pipeline';

/**
 * Serves the query API over HTTP on 127.0.0.1 only: the local archive has no auth, so it must not
 * be reachable from the network.
 */
export async function startQueryServer(config: Config, options: { port: number }): Promise<{ port: number; close(): Promise<void> }> {
  const pipeline = await openLocalPipeline(config, { log: consoleLog(false) });
  const core = new QueryCore({ index: pipeline.deps.index, archive: pipeline.deps.archive });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handleApiRequest(core, { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) })
      .then((response) => {
        res.writeHead(response.status, response.headers);
        res.end(req.method === 'HEAD' ? undefined : response.body);
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pipeline.close();
    },
  };
}
