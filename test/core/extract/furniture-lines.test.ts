/**
 * Short lines inside the article: furniture (bylines, credits, stamps) goes, sentences that
 * merely start with the same words stay. Guards the byline/label rules against eating prose in
 * French, Spanish, Indonesian and English.
 */
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../functions/core/extract/index';

const BODY = '<p>Body paragraph with enough text, commas, and words to be the article body here.</p>';

function keptLines(lines: string[]): Set<string> {
  const html = `<html><body><article>${BODY}${BODY.replace('Body', 'Second')}${BODY.replace('Body', 'Third')}${lines.map((l) => `<p>${l}</p>`).join('')}</article></body></html>`;
  return new Set(extractArticle(html).paragraphs.map((p) => p.text));
}

describe('furniture lines', () => {
  const dropped = [
    'By Jane Doe',
    'Von Hans Müller und Eva Schmidt',
    'Updated: Nov. 19, 2019 10:15 a.m.',
    'Photo: Getty Images',
    'Read more: How bears sleep through the winter',
    '5 min read',
    'Advertisement',
    'Leggi anche',
    '© 2019 Hearst Communications, Inc.',
    'https://example.com/study/hibernation',
    '1 2 3 4 5 6 7 8',
    'Please consider becoming a member today for as little as $5 a month.',
    'Hat Ihnen dieser Artikel gefallen? Dann unterstützen Sie uns bitte mit einer Spende.',
    '14 hours ago',
    'vor 3 Stunden',
    'Duration 1:30',
    'Daniele Venturelli/Getty Images',
    'Kristy Sparow/Stringer/Getty Images',
  ];
  const kept = [
    'Por su parte, el ministro no respondió.',
    'Par ailleurs, le ministre a refusé.',
    'Di Jakarta, hujan turun sejak pagi.',
    'Published in 1998, the book sold well.',
    'By the time the police arrived, the crowd had left.',
    'Yes.',
    'Two days ago the council met again.',
    'The hearing lasted 1:30 hours.',
    'Either/or questions were sent to Reuters.',
  ];

  it('drops bylines, credits, stamps, labels, pagers and appeals', () => {
    const result = keptLines([
      ...dropped,
      'Closing sentence of the article, so that nothing above is at the very end.',
    ]);
    for (const line of dropped) expect(result.has(line), line).toBe(false);
  });

  it('keeps sentences that start like furniture', () => {
    const result = keptLines([
      ...kept,
      'Closing sentence of the article, so that nothing above is at the very end.',
    ]);
    for (const line of kept) expect(result.has(line), line).toBe(true);
  });
});

describe('widgets inside and beside the article', () => {
  it('drops a newsletter form inside the article and a furniture-named sibling of it', () => {
    const html =
      '<html><body><main><div class="story">' +
      BODY +
      BODY.replace('Body', 'Second') +
      '<form class="signup"><h2>Get email updates with the day’s biggest stories</h2><p>We use your sign-up to send you the newsletter you asked for.</p></form>' +
      BODY.replace('Body', 'Third') +
      '</div><div id="comments"><p>Comments are switched off for this article because of a technical fault, sorry.</p></div></main></body></html>';
    const texts = extractArticle(html).paragraphs.map((p) => p.text);
    expect(texts).toHaveLength(3);
    expect(texts.some((t) => /sign-up|email updates|Comments are/.test(t))).toBe(false);
  });

  it('keeps a page-wide form that wraps the article', () => {
    const html = `<html><body><form id="aspnetForm"><div class="story">${BODY}${BODY.replace('Body', 'Second')}</div></form></body></html>`;
    expect(extractArticle(html).paragraphs).toHaveLength(2);
  });
});
