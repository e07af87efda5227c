import { Logger } from '@aws-lambda-powertools/logger';

/** Log keys that identify the page a log line is about. */
export interface ArticleLogKeys {
  url?: string;
  articleId?: string;
  host?: string;
}

export interface CreateLoggerOptions {
  /** Powertools service name; defaults to `POWERTOOLS_SERVICE_NAME` (set by the stack). */
  serviceName?: string;
  /** Defaults to `POWERTOOLS_LOG_LEVEL`, else INFO. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL' | 'TRACE';
}

/**
 * Creates the structured JSON logger of one Lambda function (Powertools Logger).
 * @example
 * const logger = createLogger({ serviceName: CRAWL_SERVICE_NAME });
 * logger.info('batch received', { size: event.Records.length });
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return new Logger({
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
}

/** Drops keys whose value is undefined so they are not logged as `null`-ish noise. */
function definedKeys(keys: ArticleLogKeys): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(keys)) {
    if (typeof value === 'string' && value.length > 0) out[name] = value;
  }
  return out;
}

/**
 * A child logger whose every line carries `url`, `articleId` and `host`. One child per page keeps
 * concurrent pages of a batch from overwriting each other's keys (which `appendKeys` on the shared
 * logger would do).
 * @example
 * const log = articleLogger(logger, { url, host: new URL(url).hostname });
 * log.info('fetched', { status: 200, bytes });
 */
export function articleLogger(logger: Logger, keys: ArticleLogKeys): Logger {
  return logger.createChild({ persistentKeys: definedKeys(keys) });
}

/**
 * Adds article keys to the shared logger for the rest of one sequential unit of work; call the
 * returned function to remove them again. Prefer {@link articleLogger} when pages run concurrently.
 */
export function appendArticleKeys(logger: Logger, keys: ArticleLogKeys): () => void {
  const defined = definedKeys(keys);
  logger.appendKeys(defined);
  return () => logger.removeKeys(Object.keys(defined));
}
