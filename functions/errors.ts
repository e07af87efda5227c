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

  constructor(
    url: string,
    reason: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean; status?: number; retryAfterMs?: number } = {},
  ) {
    super(`${url}: ${message}`, options);
    this.url = url;
    this.reason = reason;
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
