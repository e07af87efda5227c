/**
 * Every error the pipeline raises on purpose. Each has a stable `name`, an optional `cause`, and
 * says whether retrying the same work may succeed, so queues and the CLI can decide what to do.
 */

/** Base class: all deliberate errors extend it. */
export class PipelineError extends Error {
  /** Whether the same operation may succeed later (network blips, throttling, 5xx). */
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

/** Configuration or a sources file failed validation. */
export class ConfigError extends PipelineError {}

/** Input handed to us (a file, a page, a request parameter) is not what it must be. */
export class InvalidInputError extends PipelineError {}

/** A fetch failed. `reason` is a short machine-readable code recorded with the URL. */
export class FetchError extends PipelineError {
  readonly url: string;
  readonly reason: string;
  readonly status?: number;
  /** Server-requested delay before retrying (from Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
  /** What went wrong, without the URL the message starts with (for lines that already name it). */
  readonly detail: string;

  constructor(
    url: string,
    reason: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean; status?: number; retryAfterMs?: number } = {},
  ) {
    super(`${url}: ${message}`, options);
    this.url = url;
    this.reason = reason;
    this.detail = message;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A URL was refused before any request: not http(s), or it resolves to an internal address. */
export class BlockedUrlError extends FetchError {
  constructor(url: string, message: string) {
    super(url, 'blocked-address', message, { retryable: false });
  }
}

/** robots.txt disallows the URL for our user agent. */
export class RobotsDisallowedError extends FetchError {
  constructor(url: string) {
    super(url, 'robots-disallowed', 'disallowed by robots.txt', { retryable: false });
  }
}

/** Extraction could not produce a result (the page is not parseable as HTML at all). */
export class ExtractionError extends PipelineError {}

/** A storage backend failed. Retryable unless the backend said otherwise. */
export class StorageError extends PipelineError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { retryable: true, ...options });
  }
}

/** A requested item does not exist (404 in the API). */
export class NotFoundError extends PipelineError {}

/** Turns anything thrown into a one-line message for logs and recorded reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Turns a failure into the words a user reads beside its URL and reason: no class names, and no
 * second copy of the URL (a FetchError's message starts with it). An error we did not raise on
 * purpose is a bug and says so.
 * @example
 * describeFailure(new FetchError('http://a.example/x', 'http-404', 'HTTP 404')); // 'HTTP 404'
 * describeFailure(new TypeError('x is undefined')); // 'internal error: x is undefined'
 */
export function describeFailure(error: unknown): string {
  if (error instanceof FetchError) return error.detail;
  if (error instanceof PipelineError) return error.message;
  const system = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof system.code === 'string' && typeof system.path === 'string')
    return `${system.path}: ${SYSTEM_ERROR_WORDS[system.code] ?? system.code}`;
  if (error instanceof Error) return `internal error: ${error.message}`;
  return String(error);
}

/** The file errors a user can fix, in words (others keep their code). */
const SYSTEM_ERROR_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * The short reason code recorded with a failed URL: a FetchError's own code, a deliberate error's
 * kebab-cased class (`StorageError` → `storage`), else `internal-error`.
 * @example
 * failureReason(new FetchError('http://a.example/', 'http-503', 'HTTP 503')); // 'http-503'
 */
export function failureReason(error: unknown): string {
  if (error instanceof FetchError) return error.reason;
  if (error instanceof PipelineError)
    return error.name
      .replace(/Error$/, '')
      .replace(/([a-z])([A-Z])/g, '$1-$2')
      .toLowerCase();
  return 'internal-error';
}
