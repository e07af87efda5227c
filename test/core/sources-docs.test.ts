import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSources } from '../../functions/core/sources';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/sources.md', import.meta.url)), 'utf8');
const TYPO_FIXTURE = fileURLToPath(new URL('../fixtures/sources/typo-sources.yaml', import.meta.url));

/** The first fenced block of a language in docs/sources.md. */
function block(language: string): string {
  const match = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/sources.md has no ${language} example`);
  return match[1];
}

describe('docs/sources.md stays true', () => {
  it('has a YAML example that parses', () => {
    expect(parseSources(block('yaml'), 'sources.yaml').map((s) => s.id)).toEqual([
      'dailyplanet',
      'metro-herald',
    ]);
  });

  it('has only YAML examples that parse', () => {
    const blocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const yaml of blocks) expect(parseSources(yaml, 'sources.yaml').length).toBeGreaterThan(0);
  });

  it('has a JSON example that parses', () => {
    expect(parseSources(block('json'), 'sources.json')).toHaveLength(1);
  });

  it('shows the real error output for the typo fixture', () => {
    let message = '';
    try {
      parseSources(readFileSync(TYPO_FIXTURE, 'utf8'), 'sources.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(DOC).toContain(`\`\`\`\n${message}\n\`\`\``);
  });
});
