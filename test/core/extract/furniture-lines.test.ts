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
  ];
  const kept = [
    'Por su parte, el ministro no respondió.',
    'Par ailleurs, le ministre a refusé.',
    'Di Jakarta, hujan turun sejak pagi.',
    'Published in 1998, the book sold well.',
    'By the time the police arrived, the crowd had left.',
    'Yes.',
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
