import { describe, expect, it } from 'vitest';
import { isSameSite, registrableDomain } from '../../../functions/core/url/registrable-domain';

describe('registrableDomain', () => {
  it.each([
    ['www.example.com', 'example.com'],
    ['a.b.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['www.bbc.co.uk', 'bbc.co.uk'],
    ['www.abc.net.au', 'abc.net.au'],
    ['www.asahi.ne.jp', 'asahi.ne.jp'],
    ['news.example.de', 'example.de'],
    ['alice.github.io', 'alice.github.io'],
    ['x.alice.blogspot.com', 'alice.blogspot.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['EXAMPLE.com.', 'example.com'],
  ])('%s → %s', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });

  it('tells sites apart', () => {
    expect(isSameSite('www.example.com', 'm.example.com')).toBe(true);
    expect(isSameSite('example.com', 'example.net')).toBe(false);
    expect(isSameSite('10.0.0.1', '10.0.0.2')).toBe(false);
  });
});
