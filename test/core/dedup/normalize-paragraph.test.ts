import fc from 'fast-check';
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
    expect(normalizeParagraph('It’s a ‘test’ -- of «quotes»')).toBe("it's a 'test' - of \"quotes\"");
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
    for (const text of [
      'Advertisement',
      'Photo: Reuters/John Smith',
      'Read more',
      'Reporting by Jane Doe',
      'Editing by Tom Roe',
    ]) {
      expect(isEvidenceParagraph(text), text).toBe(false);
    }
  });

  it('rejects many short tokens that pass the word count but not the length', () => {
    expect(isEvidenceParagraph('a | b | c | d | e | f | g | h | i')).toBe(false);
  });

  it('accepts a sentence carrying a specific fact', () => {
    expect(isEvidenceParagraph('Three people were killed in Kyiv on Monday morning, officials said.')).toBe(
      true,
    );
    const words = Array.from({ length: MIN_EVIDENCE_WORDS - 1 }, () => 'wordy').join(' ');
    expect(isEvidenceParagraph(words)).toBe(false);
    expect(isEvidenceParagraph(`${words} wordy`)).toBe(true);
  });
});

describe('normalizeParagraph properties', () => {
  it('is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const once = normalizeParagraph(text);
        expect(normalizeParagraph(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes typographic variants of a sentence the same, and changed digits differently', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 8, maxLength: 20 }),
        fc.integer({ min: 0, max: 9 }),
        (words, digit) => {
          const plain = `${words.join(' ')} "${digit} said" it's - done`;
          const fancy = `  ${words.map((w, i) => (i % 3 === 0 ? w.toUpperCase() : w)).join('\u00A0 ')} “${digit} said” it’s — done\u200B `;
          expect(paragraphHash(fancy)).toBe(paragraphHash(plain));
          expect(paragraphHash(plain.replace(`${digit} said`, `${(digit + 1) % 10} said`))).not.toBe(
            paragraphHash(plain),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
