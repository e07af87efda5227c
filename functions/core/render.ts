import type { CleanCopy } from './article';

/**
 * Renders a clean copy as Markdown: title, byline and date, then paragraphs by kind. Text is
 * escaped where Markdown would otherwise read it as markup, since clean copies hold text only.
 */
export function renderMarkdown(copy: CleanCopy): string {
  const lines: string[] = [];
  if (copy.title) lines.push(`# ${escapeMarkdown(copy.title)}`, '');
  const byline = [copy.authors.join(', '), copy.publishedAt, copy.siteName ?? copy.host]
    .filter(Boolean)
    .join(' · ');
  if (byline) lines.push(`_${escapeMarkdown(byline)}_`, '');
  lines.push(`Source: <${copy.url}>`, '');
  for (const p of copy.paragraphs) {
    const text = escapeMarkdown(p.text);
    if (p.kind === 'heading') lines.push(`## ${text}`);
    else if (p.kind === 'quote') lines.push(`> ${text}`);
    else if (p.kind === 'list-item') lines.push(`- ${text}`);
    else lines.push(text);
    lines.push('');
  }
  return lines.join('\n');
}

/** Renders a clean copy as plain text: title, blank line, paragraphs separated by blank lines. */
export function renderText(copy: CleanCopy): string {
  return `${[copy.title, copy.text].filter(Boolean).join('\n\n')}\n`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#])/g, '\\$1');
}
