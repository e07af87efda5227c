import { describe, expect, it } from 'vitest';
import { normalizeDate } from '../../../functions/core/extract/dates';
import { extractArticle } from '../../../functions/core/extract/index';
import { cleanAuthors } from '../../../functions/core/extract/authors';
import { normalizeLanguage } from '../../../functions/core/extract/metadata';

const body =
  '<p>Enough body text, with commas, to make this page an article that the extractor keeps.</p>'.repeat(3);
const page = (head: string, bodyHtml = body, htmlAttrs = ''): string =>
  `<!doctype html><html${htmlAttrs}><head>${head}</head><body><article>${bodyHtml}</article></body></html>`;
const ld = (obj: unknown): string => `<script type="application/ld+json">${JSON.stringify(obj)}</script>`;

describe('metadata from JSON-LD', () => {
  it('reads an article inside @graph with Person authors, dates with offsets and isBasedOn', () => {
    const html = page(
      ld({
        '@context': 'https://schema.org',
        '@graph': [
          { '@type': 'WebSite', name: 'The Courier', url: 'https://courier.example' },
          {
            '@type': ['NewsArticle'],
            headline: 'Bridge reopens after repairs',
            datePublished: '2024-03-05T09:30:00+01:00',
            dateModified: '2024-03-05T11:00:00Z',
            inLanguage: 'en-GB',
            articleSection: 'Local',
            author: [
              { '@type': 'Person', name: 'Jane Doe' },
              { '@type': 'Person', name: 'John Roe' },
              { '@type': 'Organization', name: 'The Courier' },
            ],
            publisher: { '@type': 'NewsMediaOrganization', name: 'The Courier' },
            isBasedOn: { '@type': 'NewsArticle', url: 'https://wire.example/original' },
            image: [{ '@type': 'ImageObject', url: 'https://courier.example/bridge.jpg' }],
          },
        ],
      }),
    );
    const { metadata } = extractArticle(html, { url: 'https://courier.example/local/bridge' });
    expect(metadata).toMatchObject({
      title: 'Bridge reopens after repairs',
      authors: ['Jane Doe', 'John Roe'],
      publishedAt: '2024-03-05T09:30:00+01:00',
      modifiedAt: '2024-03-05T11:00:00+00:00',
      language: 'en-GB',
      section: 'Local',
      siteName: 'The Courier',
      basedOnUrl: 'https://wire.example/original',
      image: 'https://courier.example/bridge.jpg',
    });
  });

  it('reads top-level arrays and marks isAccessibleForFree=false as paywalled', () => {
    const html = page(
      ld([
        { '@type': 'BreadcrumbList' },
        { '@type': 'Article', headline: 'Members only', isAccessibleForFree: false, author: 'Ann Lee' },
      ]),
    );
    const { metadata } = extractArticle(html);
    expect(metadata.paywalled).toBe(true);
    expect(metadata.authors).toEqual(['Ann Lee']);
  });

  it('survives broken JSON-LD (raw newlines, trailing commas) and HTML entities', () => {
    const html = page(
      '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Caf&#233; &amp; bar\nopens",}</script>',
    );
    expect(extractArticle(html).metadata.title).toBe('Café & bar opens');
  });
});

describe('metadata from meta tags, <time> and bylines', () => {
  it('falls back to OpenGraph and meta tags; resolves relative URLs', () => {
    const html = page(
      `<title>Ignored | Site</title>
       <meta property="og:title" content="Harbour festival returns">
       <meta property="og:site_name" content="Harbour News">
       <meta property="og:image" content="/img/festival.jpg">
       <meta property="article:published_time" content="2023-07-01T18:00:00-04:00">
       <meta name="author" content="By Maria Silva and Tom Berg">
       <meta name="description" content="The festival is back.">
       <link rel="canonical" href="/2023/07/festival">`,
      body,
      ' lang="pt_br"',
    );
    const { metadata } = extractArticle(html, { url: 'https://harbour.example/x?utm_source=y' });
    expect(metadata).toMatchObject({
      title: 'Harbour festival returns',
      siteName: 'Harbour News',
      image: 'https://harbour.example/img/festival.jpg',
      canonicalUrl: 'https://harbour.example/2023/07/festival',
      publishedAt: '2023-07-01T18:00:00-04:00',
      authors: ['Maria Silva', 'Tom Berg'],
      description: 'The festival is back.',
      language: 'pt-BR',
    });
  });

  it('strips the site suffix from <title> when nothing better exists, never at a colon', () => {
    expect(extractArticle(page('<title>Council votes on budget | Daily Paper</title>')).metadata.title).toBe(
      'Council votes on budget',
    );
    expect(extractArticle(page('<title>Brexit: what happens next - BBC News</title>')).metadata.title).toBe(
      'Brexit: what happens next',
    );
    expect(
      extractArticle(page('<title>Opinion: What the elections really said</title>')).metadata.title,
    ).toBe('Opinion: What the elections really said');
  });

  it('strips the site name from og:title only when it is the site name', () => {
    const head = (t: string): string =>
      `<meta property="og:site_name" content="Harbour News"><meta property="og:title" content="${t}">`;
    expect(extractArticle(page(head('Festival returns | Harbour News'))).metadata.title).toBe(
      'Festival returns',
    );
    expect(extractArticle(page(head('Festival returns - with fireworks'))).metadata.title).toBe(
      'Festival returns - with fireworks',
    );
  });

  it('takes <time> from the article, never from related-story lists', () => {
    const html = `<html><body>
      <aside class="related"><time datetime="2001-01-01T00:00:00Z">old</time></aside>
      <div class="related-stories"><time datetime="2002-02-02T00:00:00Z">old</time></div>
      <article><time datetime="2024-05-06T07:08:09+02:00">6 May</time>${body}</article></body></html>`;
    expect(extractArticle(html).metadata.publishedAt).toBe('2024-05-06T07:08:09+02:00');
  });

  it('takes no date from teaser cards: a front page has no publication time', () => {
    const card = (i: number): string =>
      `<div class="card"><p class="kicker">Local</p><h2><a href="/news/story-${i}.html">Headline number ${i} about the town</a></h2><p>Summary of story ${i}, with a comma, long enough.</p><time datetime="2026-11-2${i}T07:15:00-05:00">Nov 2${i}</time></div>`;
    const html = `<html><body><main>${[1, 2, 3, 4].map(card).join('')}</main></body></html>`;
    const result = extractArticle(html, { url: 'https://paper.example/' });
    expect(result.pageKind).toBe('index');
    expect(result.metadata.publishedAt).toBeUndefined();
  });

  it('takes the <time> in the article header above the body', () => {
    const html = `<html><body><div class="page"><div class="story"><div class="story-header"><h1>Title</h1><div class="info"><time datetime="2024-02-03T04:05:06+01:00">3 Feb</time></div></div>
      <div class="story-body">${body}</div></div><div class="more"><div class="card"><h3><a href="/x">Other story headline</a></h3><time datetime="2020-01-01T00:00:00Z">old</time></div></div></div></body></html>`;
    expect(extractArticle(html).metadata.publishedAt).toBe('2024-02-03T04:05:06+01:00');
  });

  it('never takes dates from scripts or cookie banners', () => {
    const html = `<html><body><div class="cookie-consent"><time datetime="2020-01-01T00:00:00Z">x</time></div>
      <script>var published = "2019-01-01T00:00:00Z";</script><article>${body}</article></body></html>`;
    expect(extractArticle(html).metadata.publishedAt).toBeUndefined();
  });

  it('reads a visible byline; drops the site name beside a person, accounts, URLs and roles', () => {
    const html = `<html><head><meta property="og:site_name" content="Metro Daily"></head><body>
      <div class="sidebar"><span class="byline">By Sidebar Person</span></div>
      <article><p class="byline">By Lena Park | Metro Daily</p>${body}</article></body></html>`;
    expect(extractArticle(html).metadata.authors).toEqual(['Lena Park']);
    expect(
      cleanAuthors(
        ['Metro Daily', 'Associated Press', 'admin', 'https://x.example/me', 'Staff Reporter', 'Ana Ruiz'],
        { siteName: 'Metro Daily' },
      ),
    ).toEqual(['Associated Press', 'Ana Ruiz']);
  });
});

describe('normalizers', () => {
  it('normalizes dates to ISO 8601 with offset', () => {
    expect(normalizeDate('2019-11-19T13:05:00.000Z')).toBe('2019-11-19T13:05:00+00:00');
    expect(normalizeDate('2019-11-19 13:05:00+0100')).toBe('2019-11-19T13:05:00+01:00');
    expect(normalizeDate('2019-11-19')).toBe('2019-11-19T00:00:00+00:00');
    expect(normalizeDate('Tue, 19 Nov 2019 13:05:00 GMT')).toBe('2019-11-19T13:05:00+00:00');
    expect(normalizeDate('0000-00-00')).toBeUndefined();
    expect(normalizeDate('yesterday')).toBeUndefined();
    expect(normalizeDate(1574168580)).toBe('2019-11-19T13:03:00+00:00');
  });

  it('normalizes language tags', () => {
    expect(normalizeLanguage('en_US')).toBe('en-US');
    expect(normalizeLanguage('DE')).toBe('de');
    expect(normalizeLanguage('zh-hant-TW')).toBe('zh-Hant');
    expect(normalizeLanguage('')).toBeUndefined();
  });
});
