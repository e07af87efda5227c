import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { extractManifest, pageIdOf } from '../../../functions/cli/commands/extract';

const dir = mkdtempSync(join(tmpdir(), 'extract-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const article = (title: string, lang = 'en'): string =>
  `<html lang="${lang}"><head><title>${title}</title><meta property="article:published_time" content="2024-01-02T03:04:05Z"><meta name="author" content="Ada Lovelace"></head>
   <body><article><h1>${title}</h1><p>First paragraph of ${title}, long enough to be kept as article text by the extractor.</p>
   <p>Second paragraph of ${title}, also long enough, with a comma, and a full stop.</p></article></body></html>`;

async function collect(manifest: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const line of extractManifest(manifest)) {
    expect(line).not.toContain('\n');
    out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

describe('extractManifest', () => {
  it('yields one JSON line per manifest line, in order, with errors in place', async () => {
    writeFileSync(join(dir, 'alpha.html'), article('Alpha'));
    writeFileSync(join(dir, 'beta.html.gz'), gzipSync(Buffer.from(article('Beta'))));
    writeFileSync(
      join(dir, 'gamma.html'),
      iconv.encode(
        article('Гамма', 'ru').replace('<head>', '<head><meta charset="windows-1251">'),
        'windows-1251',
      ),
    );
    const manifest = join(dir, 'manifest.tsv');
    writeFileSync(
      manifest,
      [
        `${join(dir, 'alpha.html')}\thttps://example.com/alpha`,
        `${relative(process.cwd(), join(dir, 'beta.html.gz'))}\thttps://example.com/beta`,
        '',
        `${join(dir, 'missing.html')}\thttps://example.com/missing`,
        `${join(dir, 'gamma.html')}\thttps://example.com/gamma`,
      ].join('\n'),
    );
    const lines = await collect(manifest);
    expect(lines.map((l) => l.id)).toEqual(['alpha', 'beta', 'missing', 'gamma']);
    const [alpha, beta, missing, gamma] = lines;
    expect(Object.keys(alpha)).toEqual([
      'id',
      'url',
      'title',
      'authors',
      'publishedAt',
      'language',
      'paragraphs',
      'text',
    ]);
    expect(alpha).toMatchObject({
      url: 'https://example.com/alpha',
      title: 'Alpha',
      authors: ['Ada Lovelace'],
      publishedAt: '2024-01-02T03:04:05+00:00',
      language: 'en',
    });
    const paragraphs = alpha.paragraphs as Array<{ kind: string; text: string }>;
    expect(paragraphs).toHaveLength(2);
    expect(alpha.text).toBe(paragraphs.map((p) => p.text).join('\n\n'));
    expect(beta.title).toBe('Beta');
    expect(Object.keys(missing)).toEqual(['id', 'error']);
    expect(String(missing.error)).toMatch(/ENOENT|no such file/);
    expect(gamma.title).toBe('Гамма');
    expect(String(gamma.text)).toContain('First paragraph of Гамма');
  });

  it('derives ids from file names', () => {
    expect(pageIdOf('/a/b/0123abc.html.gz')).toBe('0123abc');
    expect(pageIdOf('x/page.html')).toBe('page');
    expect(pageIdOf('x/page.HTM')).toBe('page');
  });
});
