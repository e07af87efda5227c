import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/errors';
import { parseFeed } from '../../../functions/core/discover/feed';
import { fixtureText } from './fixtures';

describe('parseFeed: RSS 2.0', () => {
  const entries = parseFeed(fixtureText('rss2.xml'), 'https://www.example-times.test/feed');

  it('prefers FeedBurner origLink, resolves relative links and uses permalink guids', () => {
    expect(entries.map((e) => e.url)).toEqual([
      'https://www.example-times.test/news/2026/11/24/council-budget?utm_source=feedburner&utm_medium=feed',
      'https://www.example-times.test/business/cafe-rents',
      'https://www.example-times.test/arts/tom-and-jerry',
      'https://www.example-times.test/news/bad-date',
    ]);
  });

  it('turns titles into plain text (markup, CDATA, named and double-escaped entities, bare &)', () => {
    expect(entries.map((e) => e.title)).toEqual([
      'Council approves budget & new bus routes',
      'Café owners protest rent rise',
      'Tom & Jerry return to the Grand Theatre',
      'Bad date is left out',
    ]);
  });

  it('normalises RFC 822 dates with numeric and named zones, and dc:date', () => {
    expect(entries[0].publishedAt).toBe('2026-11-24T09:00:00.000Z');
    expect(entries[1].publishedAt).toBe('2026-11-24T02:40:00.000Z');
    expect(entries[2].publishedAt).toBe('2026-11-22T20:05:00.000Z');
    expect(entries[3]).toEqual({
      url: 'https://www.example-times.test/news/bad-date',
      title: 'Bad date is left out',
    });
  });

  it('reads the shared demo site feed', () => {
    const demo = parseFeed(
      fixtureText('../sites/dailyplanet.example/feed.xml'),
      'http://dailyplanet.example/feed.xml',
    );
    expect(demo.length).toBeGreaterThanOrEqual(4);
    for (const entry of demo) {
      expect(entry.url).toMatch(/^http:\/\/dailyplanet\.example\//);
      expect(entry.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
  });
});

describe('parseFeed: RSS 1.0 (RDF)', () => {
  it('reads items beside the channel and falls back to rdf:about', () => {
    expect(parseFeed(fixtureText('rss1.rdf'), 'https://rdf.example.test/index.rdf')).toEqual([
      {
        url: 'https://rdf.example.test/one',
        title: 'First RDF story',
        publishedAt: '2026-11-24T06:00:00.000Z',
      },
      { url: 'https://rdf.example.test/two', title: 'Second RDF story (link only in rdf:about)' },
    ]);
  });
});

describe('parseFeed: Atom', () => {
  it('resolves against xml:base, prefers the HTML alternate, falls back to an id URL', () => {
    expect(parseFeed(fixtureText('atom.xml'), 'https://atom.example.test/atom.xml')).toEqual([
      {
        url: 'https://atom.example.test/blog/2026/11/ferry-timetable',
        title: 'Harbour ferry timetable changes',
        publishedAt: '2026-11-24T15:00:00.000Z',
        updatedAt: '2026-11-25T14:30:00.000Z',
      },
      {
        url: 'https://other.atom.example.test/sport/rowing',
        title: 'Rowing club wins',
        updatedAt: '2026-11-22T20:05:00.000Z',
      },
      {
        url: 'https://atom.example.test/blog/by-id',
        title: 'Only an id that is a URL',
        updatedAt: '2026-11-21T00:00:00.000Z',
      },
    ]);
  });
});

describe('parseFeed: JSON Feed', () => {
  it('reads url, id URLs, external_url and relative urls', () => {
    expect(parseFeed(fixtureText('feed.json'), 'https://json.example.test/feed.json')).toEqual([
      {
        url: 'https://json.example.test/2026/11/24/school-budget',
        title: 'School board approves budget',
        publishedAt: '2026-11-24T08:00:00.000Z',
        updatedAt: '2026-11-24T10:00:00.000Z',
      },
      { url: 'https://json.example.test/2026/11/23/by-id', title: 'Linked only by id' },
      { url: 'https://elsewhere.test/original', title: 'Link-blog item' },
      { url: 'https://json.example.test/relative/path', title: 'Relative URL' },
    ]);
  });

  it('refuses JSON that is not a JSON Feed', () => {
    expect(() => parseFeed('{"items": []}', 'https://json.example.test/feed.json')).toThrow(
      /not a JSON Feed/,
    );
    expect(() =>
      parseFeed('{"version": "https://jsonfeed.org/version/1.1"}', 'https://json.example.test/f'),
    ).toThrow(/no "items"/);
    expect(() => parseFeed('{"version": ', 'https://json.example.test/f')).toThrow(/invalid JSON/);
  });
});

describe('parseFeed: bad input', () => {
  it('refuses truncated XML, naming the feed URL and the position', () => {
    const feedUrl = 'https://www.example-times.test/broken-feed';
    expect(() => parseFeed(fixtureText('invalid.xml'), feedUrl)).toThrow(InvalidInputError);
    expect(() => parseFeed(fixtureText('invalid.xml'), feedUrl)).toThrow(
      /^https:\/\/www\.example-times\.test\/broken-feed: invalid XML at line \d+/,
    );
  });

  it('refuses an HTML page where a feed was expected', () => {
    expect(() => parseFeed(fixtureText('not-a-feed.html'), 'https://x.test/feed')).toThrow(
      /https:\/\/x\.test\/feed: (not a feed|invalid XML)/,
    );
  });

  it('refuses well-formed XML that is not a feed', () => {
    expect(() => parseFeed('<html><body/></html>', 'https://x.test/feed')).toThrow(
      'https://x.test/feed: not a feed (root element <html>',
    );
  });

  it('refuses plain text and empty input', () => {
    expect(() => parseFeed('Service Unavailable', 'https://x.test/feed')).toThrow(/not XML/);
    expect(() => parseFeed('', 'https://x.test/feed')).toThrow(InvalidInputError);
  });

  it('refuses a billion-laughs entity bomb quickly, without expanding it', () => {
    const started = performance.now();
    expect(() => parseFeed(fixtureText('billion-laughs.xml'), 'https://bomb.test/feed')).toThrow(
      /declares DTD entities/,
    );
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses external entities (XXE)', () => {
    expect(() => parseFeed(fixtureText('external-entity.xml'), 'https://xxe.test/feed')).toThrow(
      /declares DTD entities/,
    );
  });

  it('accepts an RSS 0.91 public DTD (no internal subset) and decodes its HTML entities', () => {
    expect(parseFeed(fixtureText('rss091-entities.xml'), 'http://oldschool.example.test/rss')).toEqual([
      { url: 'http://oldschool.example.test/creme', title: 'Crème brûlée festival – day one' },
    ]);
  });

  it('refuses absurdly deep nesting', () => {
    const deep = `<rss><channel>${'<x>'.repeat(500)}${'</x>'.repeat(500)}</channel></rss>`;
    expect(() => parseFeed(deep, 'https://deep.test/feed')).toThrow(InvalidInputError);
  });

  it('needs an absolute feed URL to resolve links against', () => {
    expect(() => parseFeed('<rss><channel/></rss>', '/feed')).toThrow(/feed URL is not an absolute URL/);
  });

  it('skips an xml-stylesheet processing instruction before the root', () => {
    const rss =
      '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>\n<rss version="2.0"><channel><item><link>https://x.test/a</link></item></channel></rss>';
    expect(parseFeed(rss, 'https://x.test/feed')).toEqual([{ url: 'https://x.test/a' }]);
  });

  // Regression: the bare-ampersand repair once escaped `&` inside CDATA, corrupting the link.
  it('leaves ampersands inside CDATA alone', () => {
    const rss =
      '<rss><channel><item><title><![CDATA[Tom & Jerry]]></title><link><![CDATA[ https://x.test/a?b=1&c=2 ]]></link></item></channel></rss>';
    expect(parseFeed(rss, 'https://x.test/feed')).toEqual([
      { url: 'https://x.test/a?b=1&c=2', title: 'Tom & Jerry' },
    ]);
  });

  it('drops control characters instead of refusing the feed', () => {
    const rss =
      '<rss><channel><item><title>Bad\u000b title\u0001</title><link>https://x.test/a</link></item></channel></rss>\u0000\u0000';
    expect(parseFeed(rss, 'https://x.test/feed')).toEqual([{ url: 'https://x.test/a', title: 'Bad title' }]);
  });

  it('returns no entries for an empty channel', () => {
    expect(
      parseFeed('<rss version="2.0"><channel><title>t</title></channel></rss>', 'https://x.test/feed'),
    ).toEqual([]);
  });
});
