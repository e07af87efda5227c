import type { Command } from 'commander';
import { integerOption } from '../cli-options';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../../config';
import { describeError } from '../../errors';
import { handleApiRequest, type ApiResponse } from '../../query/http-api';
import { QueryCore } from '../../query/query-core';
import { handleWebRequest, isWebPath } from '../../query/web/web-view';
import { consoleLog } from '../console-log';
import { assertHoldsArchive } from '../archive-dir';
import { openLocalPipeline } from '../local-pipeline';
import { openLocalSearch } from '../local-search';

/** A running local query server. */
export interface QueryServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The request listener of `serve`: the web view under `/` and `/view/...`, the JSON API (same
 * routes as the Lambda) everywhere else. The export route is streamed with chunked encoding and
 * respects backpressure, so a large export holds one index page in memory.
 */
export function createQueryListener(core: QueryCore, onError: (error: unknown) => void = () => {}) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    const respond = isWebPath(url.pathname)
      ? handleWebRequest(core, request)
      : handleApiRequest(core, request, { logError: onError });
    respond
      .then((response) => send(req, res, response))
      .catch((error: unknown) => {
        onError(error);
        if (!res.headersSent)
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: 'internal error' }));
        else res.destroy();
      });
  };
}

async function send(req: IncomingMessage, res: ServerResponse, response: ApiResponse): Promise<void> {
  if ('body' in response) {
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': Buffer.byteLength(response.body),
    });
    res.end(req.method === 'HEAD' ? undefined : response.body);
    return;
  }
  res.writeHead(response.status, response.headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let clientGone = false;
  res.once('close', () => {
    clientGone = true;
  });
  for await (const { line } of response.stream) {
    if (clientGone) break;
    if (!res.write(line))
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
  }
  res.end();
}

/**
 * Serves the query API and the web view over HTTP on 127.0.0.1 only: the local archive has no
 * auth, so it must not be reachable from the network.
 */
export async function startQueryServer(config: Config, options: { port: number }): Promise<QueryServer> {
  await assertHoldsArchive(config.dataDir);
  const pipeline = await openLocalPipeline(config, { log: consoleLog(false) });
  let search: Awaited<ReturnType<typeof openLocalSearch>>;
  try {
    search = await openLocalSearch(config);
  } catch (error) {
    await pipeline.close();
    throw error;
  }
  const core = new QueryCore({ index: pipeline.deps.index, archive: pipeline.deps.archive, search });
  const logError = (error: unknown) => process.stderr.write(`serve: ${describeError(error)}\n`);
  const server = createServer(createQueryListener(core, logError));
  try {
    await listen(server, options.port);
  } catch (error) {
    await search.close();
    await pipeline.close();
    throw error;
  }
  // Index what is already stored now, so the first search does not wait for it.
  const warm = search.catchUp().catch(logError);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await warm;
      await search.close();
      await pipeline.close();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Registers `serve` on the program. */
export function registerServeCommand(
  program: Command,
  configFor: (opts: { dataDir?: string }) => Config,
): void {
  program
    .command('serve')
    .description('serve the query API and web view on 127.0.0.1')
    .option('--data-dir <dir>', 'data directory (default ./.data or DATA_DIR)')
    .option(
      '--port <port>',
      'port (0 picks a free one)',
      integerOption('--port', { min: 0, max: 65_535 }),
      8787,
    )
    .action(async (opts) => {
      const server = await startQueryServer(configFor(opts), { port: opts.port });
      process.stdout.write(`Query API on http://127.0.0.1:${server.port}/ (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await server.close();
    });
}
