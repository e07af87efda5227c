import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/errors';
import { parseFeed } from '../../../functions/core/discover/feed';
import { parseSitemap } from '../../../functions/core/discover/sitemap';
import { fixtureText } from './fixtures';

/** Runs `parse` and fails the property unless it returns or throws InvalidInputError. */
function onlyInvalidInput(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('feed and sitemap parsers never crash on arbitrary input', () => {
  // Mutations of real fixtures reach deeper than random strings: cut, splice and garble them.
  const fixtures = [
    'rss2.xml',
    'atom.xml',
    'rss1.rdf',
    'feed.json',
    'news-sitemap.xml',
    'sitemap-index.xml',
  ].map(fixtureText);
  const mutated = fc
    .tuple(fc.constantFrom(...fixtures), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }))
    .map(([text, a, b, insert]) => {
      const from = a % text.length;
      const to = from + (b % 40);
      return text.slice(0, from) + insert + text.slice(to);
    });

  it('parseFeed throws only InvalidInputError', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string()), (text) =>
        onlyInvalidInput(() => parseFeed(text, 'https://x.test/feed')),
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });

  it('parseSitemap throws only InvalidInputError', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string()), (text) =>
        onlyInvalidInput(() => parseSitemap(text, 'https://x.test/sitemap.xml')),
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });
});

describe('round trips', () => {
  const item = fc.record({
    path: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    title: fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((t) => /\S/.test(t) && !/[\u0000-\u001f\u007f<>&]/.test(t)),
  });

  it('an RSS feed written from items reads back as those items', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 10 }), (items) => {
        const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items
          .map(
            (i) => `<item><title>${escapeXml(i.title)}</title><link>https://x.test/${i.path}</link></item>`,
          )
          .join('')}</channel></rss>`;
        const entries = parseFeed(xml, 'https://x.test/feed');
        expect(entries.map((e) => e.url)).toEqual(items.map((i) => `https://x.test/${i.path}`));
        expect(entries.map((e) => e.title)).toEqual(items.map((i) => i.title.replace(/\s+/g, ' ').trim()));
      }),
      { numRuns: 200 },
    );
  });

  it('a sitemap written from URLs reads back as those URLs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.webUrl({ withQueryParameters: true, size: 'small' }), { maxLength: 20 }),
        (urls) => {
          const xml = `<urlset>${urls.map((u) => `<url><loc>${escapeXml(u)}</loc></url>`).join('')}</urlset>`;
          expect(parseSitemap(xml, 'https://x.test/sitemap.xml').urls.map((u) => u.url)).toEqual(
            urls.map((u) => new URL(u).href),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
