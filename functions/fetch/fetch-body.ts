import type http from 'node:http';
import zlib from 'node:zlib';
import { FetchError } from '../errors';
import { classifyNetworkError } from './fetch-connection';

/* Streaming, size-capped body reading and content decoding for fetchPage. */

/** Picks the decoder for a Content-Encoding; `undefined` for identity. */
function decoderFor(
  url: string,
  encoding: string,
  firstByte: number,
): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      // RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate: a zlib header's
      // low nibble is 8 (CM=deflate), which raw deflate's first byte rarely is.
      return (firstByte & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new FetchError(url, 'unsupported-encoding', `content encoding ${encoding} is not supported`, {
        retryable: false,
      });
  }
}

/**
 * Reads the body, undoing Content-Encoding, with both wire and decoded size capped while
 * reading (so neither a 20 MB page nor a decompression bomb is buffered), and fails when the
 * connection or the compressed stream ends early.
 */
export function readBody(
  url: string,
  res: http.IncomingMessage,
  maxBodyBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new FetchError(url, 'body-too-large', `body exceeds ${maxBodyBytes} bytes`, {
      retryable: false,
      status: res.statusCode,
    });
  const declaredBytes = Number(res.headers['content-length']);
  if (Number.isFinite(declaredBytes) && declaredBytes > maxBodyBytes) {
    res.destroy();
    return Promise.reject(tooLarge());
  }
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();

  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let decodedBytes = 0;
    let settled = false;
    let decoder: ReturnType<typeof decoderFor>;
    let decoderChosen = false;
    // Node reports any early end as "aborted" on the response; the socket's own error tells a
    // TCP reset (peer crashed or a middlebox cut us off) from a clean close before the end.
    let socketError: NodeJS.ErrnoException | undefined;
    const socket = res.socket;
    const onSocketError = (error: NodeJS.ErrnoException) => {
      socketError = error;
    };
    socket?.on('error', onSocketError);

    const onAbort = () => fail(signal.reason);
    const release = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // A pooled socket outlives this response: leave no listener of ours on it.
      socket?.off('error', onSocketError);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      release();
      res.destroy();
      decoder?.destroy();
      reject(error);
    };
    const succeed = () => {
      if (settled) return;
      release();
      resolve(new Uint8Array(Buffer.concat(chunks, decodedBytes)));
    };
    const onDecoded = (chunk: Buffer) => {
      if (settled) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBodyBytes) return fail(tooLarge());
      chunks.push(chunk);
    };
    const truncated = (detail: string, cause?: unknown) =>
      new FetchError(url, 'truncated-body', detail, { cause, retryable: true, status: res.statusCode });

    res.on('data', (raw: Buffer) => {
      if (settled) return;
      wireBytes += raw.length;
      if (wireBytes > maxBodyBytes) return fail(tooLarge());
      if (!decoderChosen) {
        decoderChosen = true;
        try {
          decoder = decoderFor(url, encoding, raw[0]);
        } catch (error) {
          return fail(error);
        }
        decoder?.on('data', onDecoded);
        decoder?.on('end', succeed);
        decoder?.on('error', (error: NodeJS.ErrnoException) => {
          // zlib reports a stream that stops before its end marker as Z_BUF_ERROR "unexpected end of file".
          if (error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message)) {
            fail(truncated(`compressed body (${encoding}) ends early after ${wireBytes} bytes`, error));
          } else {
            fail(
              new FetchError(url, 'decode-error', `cannot decode ${encoding} body: ${error.message}`, {
                cause: error,
                retryable: false,
              }),
            );
          }
        });
      }
      if (decoder) decoder.write(raw);
      else onDecoded(raw);
    });
    res.on('end', () => {
      if (settled) return;
      if (!res.complete) return fail(truncated(`connection closed after ${wireBytes} bytes`));
      if (decoder) decoder.end();
      else succeed(); // also covers an empty body with a Content-Encoding header
    });
    const midBody = (cause?: unknown) => {
      if (socketError) return fail(classifyNetworkError(url, socketError));
      fail(truncated(`connection closed mid-body after ${wireBytes} bytes`, cause));
    };
    res.on('error', (error: NodeJS.ErrnoException) => {
      if (error.message === 'aborted') midBody(error);
      else fail(classifyNetworkError(url, error));
    });
    res.on('close', () => {
      if (!settled && !res.complete) midBody();
    });
    if (signal.aborted) return fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
