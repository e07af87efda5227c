import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSeenEntries,
  encodeSeenEntries,
  MAX_SEEN_ENTRIES,
  SEEN_TOKEN_LENGTH,
  seenEntryToken,
} from '../../../functions/core/discover/seen-entries';

const URL_A = 'https://example.com/news/a';

describe('seenEntryToken', () => {
  it('is 8 base64url characters, stable for the same URL and lastmod', () => {
    const token = seenEntryToken(URL_A, '2026-11-24T10:00:00.000Z');
    expect(token).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(SEEN_TOKEN_LENGTH).toBe(8);
    expect(seenEntryToken(URL_A, '2026-11-24T10:00:00.000Z')).toBe(token);
  });

  it('changes with the lastmod (a re-dated entry is a new entry) and with the URL', () => {
    const base = seenEntryToken(URL_A, '2026-11-24T10:00:00.000Z');
    expect(seenEntryToken(URL_A, '2026-11-24T10:05:00.000Z')).not.toBe(base);
    expect(seenEntryToken(URL_A, undefined)).not.toBe(base);
    expect(seenEntryToken('https://example.com/news/b', '2026-11-24T10:00:00.000Z')).not.toBe(base);
  });

  it('treats an absent lastmod like an empty one (canonical URLs hold no newline, so the input is unambiguous)', () => {
    expect(seenEntryToken(URL_A, undefined)).toBe(seenEntryToken(URL_A, ''));
  });
});

describe('encodeSeenEntries / decodeSeenEntries', () => {
  it('round-trips a set of tokens, whatever their order and repetitions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.webUrl(), fc.option(fc.string(), { nil: undefined })), { maxLength: 60 }),
        (entries) => {
          const tokens = entries.map(([url, lastmod]) => seenEntryToken(url, lastmod));
          const encoded = encodeSeenEntries([...tokens, ...tokens.slice().reverse()]);
          if (tokens.length === 0) {
            expect(encoded).toBeUndefined();
          } else {
            expect(decodeSeenEntries(encoded)).toEqual(new Set(tokens));
            expect(encodeSeenEntries(tokens.slice().reverse())).toBe(encoded); // order-independent
          }
        },
      ),
    );
  });

  it('costs 8 characters per entry plus a 3-character format tag', () => {
    const tokens = Array.from({ length: 100 }, (_, i) => seenEntryToken(`${URL_A}/${i}`, undefined));
    expect(encodeSeenEntries(tokens)).toHaveLength(3 + 8 * 100);
  });

  it('keeps the first entries up to the cap (callers pass the newest first) and forgets the rest', () => {
    const tokens = Array.from({ length: 10 }, (_, i) => seenEntryToken(`${URL_A}/${i}`, undefined));
    const decoded = decodeSeenEntries(encodeSeenEntries(tokens, 4))!;
    expect(decoded.size).toBe(4);
    for (const t of tokens.slice(0, 4)) expect(decoded.has(t)).toBe(true);
    for (const t of tokens.slice(4)) expect(decoded.has(t)).toBe(false);
  });

  it('holds the default cap within a fifth of the DynamoDB item limit', () => {
    const tokens = Array.from({ length: MAX_SEEN_ENTRIES + 50 }, (_, i) =>
      seenEntryToken(`${URL_A}/${i}`, undefined),
    );
    const encoded = encodeSeenEntries(tokens)!;
    expect(decodeSeenEntries(encoded)!.size).toBe(MAX_SEEN_ENTRIES);
    expect(encoded.length).toBeLessThanOrEqual((400 * 1024) / 5);
  });

  it('rejects something that is not a token instead of storing a set that would misread', () => {
    expect(() => encodeSeenEntries(['short'])).toThrow(RangeError);
  });

  it('reads an absent, foreign or damaged value as "nothing known" (every entry is offered again)', () => {
    const good = encodeSeenEntries([
      seenEntryToken(URL_A, undefined),
      seenEntryToken(`${URL_A}/2`, undefined),
    ])!;
    expect(decodeSeenEntries(undefined)).toBeUndefined();
    expect(decodeSeenEntries(42)).toBeUndefined();
    expect(decodeSeenEntries(good.slice(3))).toBeUndefined(); // no format tag
    expect(decodeSeenEntries(`s0:${good.slice(3)}`)).toBeUndefined(); // another format
    expect(decodeSeenEntries(good.slice(0, -1))).toBeUndefined(); // truncated
    expect(decodeSeenEntries(`${good.slice(0, -1)}=`)).toBeUndefined(); // not base64url
    expect(decodeSeenEntries(good)!.size).toBe(2);
  });
});
