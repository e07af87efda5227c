import { describe, expect, it } from 'vitest';
import { decodeHtmlEntities, toPlainText } from '../../../functions/core/discover/plain-text';

describe('toPlainText', () => {
  it.each([
    ['<em>Harbour</em> ferry', 'Harbour ferry'],
    ['Caf&eacute; &amp; bar', 'Café & bar'],
    ['It&amp;#8217;s double-escaped', 'It’s double-escaped'],
    ['&lt;b&gt;escaped markup&lt;/b&gt;', 'escaped markup'],
    ['<![CDATA[Tom & Jerry]]>', 'Tom & Jerry'],
    ['  many\n\t spaces  ', 'many spaces'],
    ['AT&T and R&D', 'AT&T and R&D'],
    ['Cr&egrave;me br&ucirc;l&eacute;e &ndash; &#x2014; &#8212;', 'Crème brûlée – — —'],
    ['<!-- hidden --> visible', 'visible'],
  ])('%j → %j', (input, expected) => {
    expect(toPlainText(input)).toBe(expected);
  });

  it('returns undefined for nothing left', () => {
    expect(toPlainText(undefined)).toBeUndefined();
    expect(toPlainText(' <br/> ')).toBeUndefined();
  });
});

describe('decodeHtmlEntities', () => {
  it('leaves unknown and invalid references as written', () => {
    expect(decodeHtmlEntities('&bogus; &#xD800; &#0; &#99999999;')).toBe('&bogus; &#xD800; &#0; &#99999999;');
  });
});
