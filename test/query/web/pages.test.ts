import { describe, expect, it } from 'vitest';
import type { CleanCopy } from '../../../functions/core/article';
import { escapeHtml, externalHref, html } from '../../../functions/query/web/html';
import { articleListPage, articlePage, errorPage, storyPage } from '../../../functions/query/web/pages';

const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

function copyWith(overrides: Partial<CleanCopy>): CleanCopy {
  return {
    id: 'b'.repeat(32),
    url: 'https://wire.example/a',
    canonicalUrl: 'https://wire.example/a',
    host: 'wire.example',
    fetchedAt: '2026-11-24T10:00:00.000Z',
    day: '2026-11-24',
    authors: [],
    pageKind: 'article',
    contentHash: 'c'.repeat(32),
    version: 1,
    paragraphCount: 2,
    paragraphHashes: [],
    cleanKey: 'clean/x.json',
    stats: { repeatedParagraphsRemoved: 0, boilerplateParagraphsRemoved: 0, paragraphsFirstSeenElsewhere: 1 },
    copies: [],
    paragraphs: [],
    text: '',
    ...overrides,
  };
}

describe('web view HTML', () => {
  it('html`` escapes every interpolation, in text and in attributes', () => {
    const out = html`<p title="${EVIL}">${EVIL}</p>`.value;
    expect(out).not.toMatch(/<script|<img/);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(escapeHtml(`'"&<>`)).toBe('&#39;&quot;&amp;&lt;&gt;');
  });

  it('links to other sites only over http(s)', () => {
    expect(externalHref('javascript:alert(1)')).toBeUndefined();
    expect(externalHref('data:text/html,<b>x</b>')).toBeUndefined();
    expect(externalHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
  });

  it('an article page shows archived markup as text, never as markup', () => {
    const page = articlePage(
      copyWith({
        title: EVIL,
        url: 'javascript:alert(1)',
        authors: [EVIL],
        paragraphs: [
          { kind: 'paragraph', text: EVIL },
          { kind: 'heading', text: `</h2><script>x()</script>` },
          { kind: 'quote', text: `"><svg onload=alert(3)>` },
        ],
      }),
      {},
    );
    expect(page).not.toMatch(/<script|<img|<svg|href="javascript:/i);
    expect(page).toContain('Source: javascript:alert(1)');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('highlights paragraphs first seen elsewhere and links them to the paragraph on the original', () => {
    const origin = 'a'.repeat(32);
    const page = articlePage(
      copyWith({
        paragraphs: [
          {
            kind: 'paragraph',
            text: 'Seen first on the planet.',
            hash: 'f'.repeat(32),
            firstSeen: {
              articleId: origin,
              url: 'https://planet.example/x',
              host: 'planet.example',
              seenAt: '2026-11-23T12:00:00Z',
            },
          },
          {
            kind: 'paragraph',
            text: 'Our own paragraph.',
            hash: 'e'.repeat(32),
            firstSeen: {
              articleId: 'b'.repeat(32),
              url: 'https://wire.example/a',
              host: 'wire.example',
              seenAt: '2026-11-24T10:00:00Z',
            },
          },
        ],
      }),
      {},
    );
    const highlighted = page.match(/<div class="para seen-elsewhere"[^>]*>.*?<\/div>/gs) ?? [];
    expect(highlighted).toHaveLength(1);
    expect(highlighted[0]).toContain(`href="/view/articles/${origin}#p-${'f'.repeat(32)}"`);
    expect(page).toContain(`id="p-${'e'.repeat(32)}"`);
  });

  it('list, story and error pages escape host names and messages', () => {
    const list = articleListPage({ hosts: [EVIL], host: EVIL, articles: [] });
    expect(list).not.toMatch(/<script|<img/);
    expect(errorPage(400, EVIL)).not.toMatch(/<script|<img/);
    const record = copyWith({ title: EVIL });
    const story = storyPage({
      clusterId: record.id,
      originId: record.id,
      article: record,
      origin: record,
      members: [record],
    });
    expect(story).not.toMatch(/<script|<img/);
  });
});
