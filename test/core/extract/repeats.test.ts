import { describe, expect, it } from 'vitest';
import type { Paragraph } from '../../../functions/core/article';
import { extractArticle } from '../../../functions/core/extract/index';
import { removeRepeatedParagraphs } from '../../../functions/core/extract/repeats';

const para = (text: string): Paragraph => ({ kind: 'paragraph', text });

/** Shaped like seeds/menafn-syndicated-article.txt: lede, body, the body again, a disclaimer, "most popular". */
const BODY = [
  'Its operatives have reportedly been active there since 2021, when the transitional authorities turned to the group for support following a coup and a surge in attacks by rebels.',
  '“For three and a half years, the ‘musicians’ fought shoulder to shoulder with the people against terrorism,” the group said, using the informal name for its contractors.',
  'The group added that it had helped patriots build “a strong and disciplined army capable of defending its land,” and claimed that all regional capitals had been returned.',
  'Previously, the foreign minister had confirmed that the government had indeed asked the group for help back in 2021 and has since also been receiving official military support.',
  'In April, he reiterated the commitment to support the alliance of states by helping build joint armed forces, training personnel, and supplying weapons.',
];

function syndicatedPage(): string {
  const ps = (texts: string[]): string => texts.map((t) => `<p>${t}</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><title>Company announces withdrawal</title></head><body>
    <nav><a href="/">Home</a> <a href="/markets">Markets</a></nav>
    <div class="article-body">
      <h1>Company announces withdrawal</h1>
      <p>(AGENCY) A private military company announced the end of its mission in the country on Thursday, saying its fighters have completed their objectives and are returning home.</p>
      ${ps(BODY)}
      ${ps(BODY)}
      <p>Legal Disclaimer:<br>The agency provides the information “as is” without warranty of any kind. We do not accept any responsibility or liability for the accuracy, content, images, videos, licenses, completeness, legality, or reliability of the information contained in this article.</p>
      <h3>Most popular stories</h3>
      <ul><li><a href="/a">Shrimp market predicted to hit new high by 2033</a></li><li><a href="/b">Exchange launches routing protocol</a></li><li><a href="/c">Platform adds access controls</a></li></ul>
    </div></body></html>`;
}

describe('repeated body within a page', () => {
  it('emits a body that the page carries twice only once, without the disclaimer', () => {
    const result = extractArticle(syndicatedPage());
    const texts = result.paragraphs.map((p) => p.text);
    expect(texts).toHaveLength(1 + BODY.length);
    expect(texts.slice(1)).toEqual(BODY);
    expect(result.repeatedParagraphsRemoved).toBe(BODY.length);
    expect(texts.join(' ')).not.toMatch(/disclaimer|most popular/i);
  });

  it('removes a repeated run as a run, short paragraphs of the run included', () => {
    const first = 'First long paragraph of the story, long enough to count as a repeat on its own.';
    const second = 'Second long paragraph of the story, also long enough to count as a repeat alone.';
    const input = [para(first), para('Yes.'), para(second), para(first), para('Yes.'), para(second)];
    const { paragraphs, removed } = removeRepeatedParagraphs(input);
    expect(paragraphs.map((p) => p.text)).toEqual([first, 'Yes.', second]);
    expect(removed).toBe(3);
  });

  it('keeps a short paragraph repeated outside a run (an interview answer)', () => {
    const input = [
      para('Did you expect to win the final?'),
      para('No.'),
      para('And were you surprised by the crowd?'),
      para('No.'),
    ];
    expect(removeRepeatedParagraphs(input)).toEqual({ paragraphs: input, removed: 0 });
  });

  it('treats case and whitespace variants as the same paragraph', () => {
    const { removed } = removeRepeatedParagraphs([
      para('The Mayor said   yes to the plan for the harbour district on Monday evening.'),
      para('the mayor said yes to the plan for the harbour district on monday evening.'),
    ]);
    expect(removed).toBe(1);
  });

  it('keeps short lines that recur inside one article (schedule items)', () => {
    const input = [
      para('Meal 1'),
      para('Eat every two to three hours'),
      para('Oats with berries and a spoon of nut butter, plus coffee.'),
      para('Meal 2'),
      para('Eat every two to three hours'),
      para('Chicken salad with tomatoes, cucumber and feta.'),
    ];
    expect(removeRepeatedParagraphs(input).removed).toBe(0);
  });
});
