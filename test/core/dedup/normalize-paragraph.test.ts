import { describe, expect, it } from 'vitest';
import { normalizeParagraph, paragraphWords } from '../../../functions/core/dedup/normalize-paragraph';
import {
  MIN_EVIDENCE_WORDS,
  isEvidenceParagraph,
  paragraphHash,
} from '../../../functions/core/dedup/paragraph-hash';

describe('normalizeParagraph', () => {
  it('folds case, quotes, dashes, whitespace and invisible characters', () => {
    expect(normalizeParagraph('  “Three” — killed\u00A0in\u200B  Kyiv ')).toBe('"three" - killed in kyiv');
    expect(normalizeParagraph('It’s a ‘test’ -- of «quotes»')).toBe('it\'s a \'test\' - of "quotes"');
    expect(normalizeParagraph('co\u00ADoperation\uFEFF')).toBe('cooperation');
  });

  it('applies NFKC compatibility folding (ligatures, full-width letters, ellipsis)', () => {
    expect(normalizeParagraph('ﬁnal ＡＢＣ…')).toBe('final abc...');
    // Composed and decomposed accents agree.
    expect(normalizeParagraph('Cafe\u0301')).toBe(normalizeParagraph('Café'));
  });

  it('keeps digits: different numbers are different news', () => {
    expect(normalizeParagraph('3 killed')).not.toBe(normalizeParagraph('5 killed'));
    expect(normalizeParagraph('３ killed')).toBe('3 killed');
  });

  it('splits words on punctuation', () => {
    expect(paragraphWords("it's 3 o'clock, ok")).toEqual(['it', 's', '3', 'o', 'clock', 'ok']);
  });
});

describe('paragraphHash', () => {
  const base = 'The minister said on Monday that 3 people were killed in the attack near the port.';

  it('is 128 bits of lower-case hex', () => {
    expect(paragraphHash(base)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is the same for typographic variants', () => {
    const variant = 'THE MINISTER  said on Monday that 3 people were killed in the attack near the port.';
    expect(paragraphHash(variant)).toBe(paragraphHash(base));
    expect(paragraphHash('He said “no” — twice, and left the room without another word.')).toBe(
      paragraphHash('he said "no" - twice, and left the room without another word.'),
    );
  });

  it('differs when a number or a word changes', () => {
    expect(paragraphHash(base.replace('3', '5'))).not.toBe(paragraphHash(base));
    expect(paragraphHash(base.replace('Monday', 'Tuesday'))).not.toBe(paragraphHash(base));
  });
});

describe('isEvidenceParagraph', () => {
  it('rejects short chrome lines', () => {
    for (const text of ['Advertisement', 'Photo: Reuters/John Smith', 'Read more', 'Reporting by Jane Doe', 'Editing by Tom Roe']) {
      expect(isEvidenceParagraph(text), text).toBe(false);
    }
  });

  it('rejects many short tokens that pass the word count but not the length', () => {
    expect(isEvidenceParagraph('a | b | c | d | e | f | g | h | i')).toBe(false);
  });

  it('accepts a sentence carrying a specific fact', () => {
    expect(isEvidenceParagraph('Three people were killed in Kyiv on Monday morning, officials said.')).toBe(true);
    const words = Array.from({ length: MIN_EVIDENCE_WORDS - 1 }, () => 'wordy').join(' ');
    expect(isEvidenceParagraph(words)).toBe(false);
    expect(isEvidenceParagraph(`${words} wordy`)).toBe(true);
  });
});
