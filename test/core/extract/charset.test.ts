import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalCharset,
  charsetFromContentType,
  charsetFromMeta,
  decodeHtmlBytes,
} from '../../../functions/core/extract/charset';
import { extractArticle } from '../../../functions/core/extract/index';

const dir = join(import.meta.dirname, '../../fixtures/extract/charset');
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));

describe('decodeHtmlBytes on fixture pages', () => {
  const cases: Array<{ file: string; header?: string; charset: string; phrase: string }> = [
    {
      file: 'windows-1251-meta.html',
      charset: 'windows-1251',
      phrase: 'Городской совет утвердил новый бюджет',
    },
    { file: 'windows-1251-undeclared.html', charset: 'windows-1251', phrase: 'покупку новых автобусов' },
    {
      file: 'iso-8859-1-header-only.html',
      header: 'text/html; charset=ISO-8859-1',
      charset: 'windows-1252',
      phrase: 'Le conseil municipal a approuvé',
    },
    {
      file: 'shift_jis-http-equiv.html',
      charset: 'shift_jis',
      phrase: '市議会は水曜日、新しい自転車専用道路の計画を承認した',
    },
    { file: 'gb2312-meta.html', charset: 'gb18030', phrase: '市议会周三批准了新的自行车道计划' },
    // GB2312 declared, GB18030 four-byte characters (outside GBK) used: decoded as GB18030.
    {
      file: 'gb18030-declared-gb2312.html',
      charset: 'gb18030',
      phrase: '市议会周三批准了𠮷野路的新自行车道计划',
    },
    // A template's ISO-8859-1 declaration over UTF-8 bytes: the bytes win ("it’s", not "itâ€™s").
    {
      file: 'utf-8-declared-iso-8859-1.html',
      charset: 'utf-8',
      phrase: 'Café owners in the old town say it’s time',
    },
    // The BOM wins over a (wrong) meta declaration.
    { file: 'utf-8-bom.html', charset: 'utf-8', phrase: 'débuteront au printemps' },
  ];
  for (const c of cases) {
    it(`${c.file} decodes as ${c.charset}`, () => {
      const { html, charset } = decodeHtmlBytes(bytes(c.file), c.header);
      expect(charset).toBe(c.charset);
      expect(html).toContain(c.phrase);
      // And the decoded page extracts to readable paragraphs.
      expect(
        extractArticle(html)
          .paragraphs.map((p) => p.text)
          .join('\n'),
      ).toContain(c.phrase);
    });
  }

  it('the HTTP header wins over the meta tag', () => {
    const { charset } = decodeHtmlBytes(bytes('windows-1251-meta.html'), 'text/html; charset=koi8-r');
    expect(charset).toBe('koi8-r');
  });

  it('an unknown header label falls through to the meta tag', () => {
    const { charset } = decodeHtmlBytes(
      bytes('windows-1251-meta.html'),
      'text/html; charset=x-no-such-charset',
    );
    expect(charset).toBe('windows-1251');
  });

  // Regression: the fault suite's "wrong charset declaration" page was stored with U+FFFD.
  it('a UTF-8 header over legacy bytes yields to the meta tag, then to detection', () => {
    const withMeta = decodeHtmlBytes(bytes('windows-1251-meta.html'), 'text/html; charset=utf-8');
    expect(withMeta.charset).toBe('windows-1251');
    expect(withMeta.html).toContain('Городской совет утвердил новый бюджет');
    const undeclared = decodeHtmlBytes(bytes('windows-1251-undeclared.html'), 'text/html; charset=UTF-8');
    expect(undeclared.charset).toBe('windows-1251');
    expect(undeclared.html).not.toContain('\uFFFD');
    // Valid UTF-8 under a UTF-8 header stays UTF-8.
    expect(
      decodeHtmlBytes(new TextEncoder().encode('<p>naïve café</p>'), 'text/html; charset=utf-8').charset,
    ).toBe('utf-8');
  });

  it('undeclared valid UTF-8 is read as UTF-8 and empty input decodes to empty text', () => {
    expect(decodeHtmlBytes(new TextEncoder().encode('<p>naïve café</p>'))).toEqual({
      html: '<p>naïve café</p>',
      charset: 'utf-8',
    });
    expect(decodeHtmlBytes(new Uint8Array(0))).toEqual({ html: '', charset: 'utf-8' });
  });
});

describe('charset helpers', () => {
  it('a legacy declaration yields to valid multi-byte UTF-8, but not to ASCII or invalid UTF-8', () => {
    const utf8 = new TextEncoder().encode('<p>it’s time</p>');
    expect(decodeHtmlBytes(utf8, 'text/html; charset=windows-1252')).toEqual({
      html: '<p>it’s time</p>',
      charset: 'utf-8',
    });
    expect(
      decodeHtmlBytes(new TextEncoder().encode('<p>plain</p>'), 'text/html; charset=koi8-r').charset,
    ).toBe('koi8-r');
    // "café" in windows-1252: 0xE9 followed by ASCII is not UTF-8, so the declaration stands.
    expect(
      decodeHtmlBytes(
        new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0xc3, 0xa9]),
        'text/html; charset=iso-8859-1',
      ),
    ).toEqual({
      html: 'café Ã©',
      charset: 'windows-1252',
    });
  });

  it('parses Content-Type and meta declarations', () => {
    expect(charsetFromContentType('text/html; Charset="UTF-8"')).toBe('UTF-8');
    expect(charsetFromContentType('text/html')).toBeUndefined();
    expect(charsetFromMeta(new TextEncoder().encode("<html><head><meta charset='euc-jp'>"))).toBe('euc-jp');
    expect(
      charsetFromMeta(new TextEncoder().encode('<meta name="description" content="charset=nothing">')),
    ).toBeUndefined();
  });

  it('maps labels the way browsers do', () => {
    expect(canonicalCharset('ISO-8859-1')).toBe('windows-1252');
    expect(canonicalCharset('GB2312')).toBe('gb18030');
    expect(canonicalCharset('GBK')).toBe('gb18030');
    expect(canonicalCharset('no-such')).toBeUndefined();
  });
});
