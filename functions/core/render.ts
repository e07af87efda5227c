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
  const provenance = provenanceLine(copy);
  if (provenance) lines.push(`_${escapeMarkdown(provenance)}_`, '');
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
  return `${[copy.title, provenanceLine(copy), copy.text].filter(Boolean).join('\n\n')}\n`;
}

/**
 * Who published the story first, for a member that is not the origin: "Copy (exact) of <url>,
 * first published by <host>." (the relation says excerpt or update where it is one).
 *
 * @example
 * provenanceLine(aggregatorCopy); // 'Copy (exact) of https://metro-herald.example/a, first published by metro-herald.example.'
 */
export function provenanceLine(
  copy: Pick<CleanCopy, 'id' | 'originId' | 'relation' | 'copyOf'>,
): string | undefined {
  const origin = copy.copyOf;
  if (!origin || (copy.originId ?? origin.articleId) === copy.id) return undefined;
  const relation =
    copy.relation && copy.relation !== 'original' ? copy.relation : (origin.relation ?? 'exact');
  const kind = relation === 'update' ? 'Update' : relation === 'excerpt' ? 'Excerpt' : `Copy (${relation})`;
  return `${kind} of ${origin.url}, first published by ${origin.host}.`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#])/g, '\\$1');
}
