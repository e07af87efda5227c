import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/errors';
import {
  articleIdFor,
  canonicalizeUrl,
  hostOf,
  resolveCanonical,
} from '../../../functions/core/url/canonical-url';
import { TRACKING_PARAMS } from '../../../functions/core/url/tracking-params';

describe('canonicalizeUrl', () => {
  it.each([
    // case, ports, fragments
    ['HTTPS://WWW.Example.COM/News/Story', 'https://www.example.com/News/Story'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com/a#comments', 'https://example.com/a'],
    ['https://example.com/a?#', 'https://example.com/a'],
    ['https://example.com/a?', 'https://example.com/a'],
    ['https://user:pw@example.com/a', 'https://example.com/a'],
    ['https://example.com./a', 'https://example.com/a'],
    ['https://example.com', 'https://example.com/'],
    ['  https://example.com/a  ', 'https://example.com/a'],
    // international and IP hosts
    ['https://Bücher.Example/a', 'https://xn--bcher-kva.example/a'],
    ['http://[::1]:8080/a/', 'http://[::1]:8080/a'],
    ['http://127.0.0.1:3000/a?b=1', 'http://127.0.0.1:3000/a?b=1'],
    // encoded tracking names and form-encoded values
    ['https://example.com/a?utm%5Fsource=x&q=a+b', 'https://example.com/a?q=a+b'],
    // scheme kept distinct
    ['http://example.com/a', 'http://example.com/a'],
    // trailing slashes, dot segments, index files kept
    ['https://example.com/a/', 'https://example.com/a'],
    ['https://example.com/a//', 'https://example.com/a'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['https://example.com/news/index.html', 'https://example.com/news/index.html'],
    // percent-encoding
    ['https://example.com/%7euser/caf%c3%a9', 'https://example.com/~user/caf%C3%A9'],
    ['https://example.com/café', 'https://example.com/caf%C3%A9'],
    ['https://example.com/a%2Fb', 'https://example.com/a%2Fb'],
    ['https://example.com/a?q=%7e%41', 'https://example.com/a?q=~A'],
    // tracking parameters
    ['https://example.com/a?utm_source=tw&utm_medium=social&UTM_Campaign=x', 'https://example.com/a'],
    ['https://example.com/a?id=5&fbclid=abc', 'https://example.com/a?id=5'],
    [
      'https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&igshid=4&ref=hn&ref_src=twsrc&_ga=5&cmpid=6&ocid=7',
      'https://example.com/a',
    ],
    ['https://example.com/a?CMP=share_btn_tw&smid=nytcore&xtor=RSS-1&page=2', 'https://example.com/a?page=2'],
    // sorting (stable for repeated names), empty pieces
    ['https://example.com/a?b=2&a=1&c', 'https://example.com/a?a=1&b=2&c'],
    ['https://example.com/a?x=2&x=1&&a=0', 'https://example.com/a?a=0&x=2&x=1'],
    // AMP variants
    ['https://example.com/news/amp/story', 'https://example.com/news/story'],
    ['https://example.com/amp/news/story', 'https://example.com/news/story'],
    ['https://example.com/news/story/amp', 'https://example.com/news/story'],
    ['https://example.com/news/story/amp/', 'https://example.com/news/story'],
    ['https://example.com/news/story?amp=1', 'https://example.com/news/story'],
    ['https://example.com/news/story?amp', 'https://example.com/news/story'],
    ['https://example.com/news/story?outputType=amp&id=3', 'https://example.com/news/story?id=3'],
    ['https://example.com/news/story?outputType=html', 'https://example.com/news/story?outputType=html'],
    ['https://amp.example.com/news/story', 'https://example.com/news/story'],
    ['https://amp.com/story', 'https://amp.com/story'],
    ['https://example.com/news/story.amp.html', 'https://example.com/news/story.html'],
    [
      'https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story?amp_js_v=0.1',
      'https://www.example.com/news/story',
    ],
    [
      'https://www-example-com.cdn.ampproject.org/c/www.example.com/news/story',
      'http://www.example.com/news/story',
    ],
    ['https://www.google.com/amp/s/www.example.com/news/story/amp', 'https://www.example.com/news/story'],
    // words merely containing "amp" are not AMP markers
    ['https://example.com/camping/amplifier', 'https://example.com/camping/amplifier'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  it.each([
    ['ftp://example.com/a'],
    ['mailto:a@example.com'],
    ['javascript:alert(1)'],
    ['/relative/path'],
    ['not a url'],
    [''],
  ])('refuses %j with InvalidInputError', (input) => {
    expect(() => canonicalizeUrl(input)).toThrow(InvalidInputError);
  });

  it('documents a reason for every tracking parameter', () => {
    for (const [name, why] of TRACKING_PARAMS) {
      expect(name).toBe(name.toLowerCase());
      expect(why.length).toBeGreaterThan(5);
    }
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const once = canonicalizeUrl(url);
        expect(canonicalizeUrl(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('ignores the order of tracking parameters and of the other parameters (property)', () => {
    const param = fc.tuple(
      fc.constantFrom('id', 'page', 'q', 'utm_source', 'fbclid', 'ref'),
      fc.stringMatching(/^[a-z0-9]{0,6}$/),
    );
    fc.assert(
      fc.property(fc.uniqueArray(param, { selector: ([name]) => name, maxLength: 6 }), (params) => {
        const query = (list: typeof params) => list.map(([k, v]) => `${k}=${v}`).join('&');
        const a = canonicalizeUrl(`https://example.com/a?${query(params)}`);
        const b = canonicalizeUrl(`https://example.com/a?${query([...params].reverse())}`);
        expect(a).toBe(b);
        expect(a).not.toMatch(/utm_source|fbclid|ref=/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('articleIdFor', () => {
  it('is 32 lower-case hex characters (128 bits of SHA-256)', () => {
    const id = articleIdFor('https://www.example.com/news/story');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // SHA-256("abc") starts with ba7816bf8f01cfea414140de5dae2223.
    expect(articleIdFor('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
  });

  it('gives every spelling of one article the same id once canonicalised', () => {
    const spellings = [
      'https://www.example.com/news/story',
      'HTTPS://www.example.com:443/news/story/?utm_source=x#top',
      'https://amp.www.example.com/news/story/amp',
      'https://www.example.com/news/amp/story?fbclid=1',
    ];
    const ids = new Set(spellings.map((url) => articleIdFor(canonicalizeUrl(url))));
    expect(ids.size).toBe(1);
  });
});

describe('hostOf', () => {
  it.each([
    ['https://WWW.Example.com/a', 'example.com'],
    ['https://example.com/a', 'example.com'],
    ['https://amp.example.com/a', 'example.com'],
    ['https://sport.example.com/a', 'sport.example.com'],
    ['https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a', 'example.com'],
    ['http://127.0.0.1:8080/a', '127.0.0.1'],
    ['https://www.com/a', 'www.com'],
  ])('%s → %s', (input, expected) => {
    expect(hostOf(input)).toBe(expected);
  });

  it('refuses non-http URLs', () => {
    expect(() => hostOf('file:///etc/passwd')).toThrow(InvalidInputError);
  });
});

describe('resolveCanonical', () => {
  it.each([
    ['no declared canonical', 'https://example.com/a?utm_source=x', undefined, 'https://example.com/a'],
    ['blank declared canonical', 'https://example.com/a', '  ', 'https://example.com/a'],
    ['same host', 'https://example.com/a?id=1', 'https://example.com/story-a', 'https://example.com/story-a'],
    ['www vs bare host', 'https://example.com/a', 'https://www.example.com/a', 'https://www.example.com/a'],
    [
      'AMP page to its original',
      'https://amp.example.com/amp/a',
      'https://www.example.com/a',
      'https://www.example.com/a',
    ],
    [
      'sibling subdomain of the site',
      'https://m.example.com/a',
      'https://www.example.com/a',
      'https://www.example.com/a',
    ],
    ['relative canonical', 'https://example.com/amp/a', '/a', 'https://example.com/a'],
    ['http page declaring https', 'http://example.com/a', 'https://example.com/a', 'https://example.com/a'],
    [
      'country second level (same site)',
      'https://news.example.co.uk/a',
      'https://www.example.co.uk/a',
      'https://www.example.co.uk/a',
    ],
    // Regression: a syndicated copy crediting the origin must keep its own id.
    [
      'cross-site canonical (syndicated copy)',
      'https://copycat.net/story?utm_source=x',
      'https://example.com/story',
      'https://copycat.net/story',
    ],
    [
      'different sites under co.uk',
      'https://copycat.co.uk/a',
      'https://example.co.uk/a',
      'https://copycat.co.uk/a',
    ],
    [
      'different blogs on a shared host',
      'https://bob.github.io/post',
      'https://alice.github.io/post',
      'https://bob.github.io/post',
    ],
    // Regression: CMS templates that declare the home page as every page's canonical.
    [
      'home page as canonical of an article',
      'https://example.com/news/a',
      'https://example.com/',
      'https://example.com/news/a',
    ],
    ['unparsable canonical', 'https://example.com/a', 'http://[bad', 'https://example.com/a'],
    ['non-http canonical', 'https://example.com/a', 'javascript:void(0)', 'https://example.com/a'],
  ])('%s', (_case, pageUrl, declared, expected) => {
    expect(resolveCanonical(pageUrl, declared)).toBe(expected);
  });

  it('refuses an invalid page URL', () => {
    expect(() => resolveCanonical('ftp://example.com/a', 'https://example.com/a')).toThrow(InvalidInputError);
  });
});
