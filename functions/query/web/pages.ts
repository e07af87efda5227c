import type { ArticleRecord, CleanCopy, StoredParagraph } from '../../core/article';
import type { SearchHit } from '../../ports/archive-search';
import type { HostStats } from '../host-stats';
import type { StoryView } from '../query-core';
import { externalHref, html, queryString, type SafeHtml } from './html';

/**
 * Server-rendered pages of the read-only web view. Pure functions from query results to HTML;
 * no scripts at all (the server sends a CSP that forbids them), one inline stylesheet.
 */

/** Link to an article page (ids are hex, but encode anyway). */
export const articleHref = (id: string, fragment?: string) =>
  `/view/articles/${encodeURIComponent(id)}${fragment ? `#${encodeURIComponent(fragment)}` : ''}`;
export const storyHref = (id: string) => `/view/articles/${encodeURIComponent(id)}/story`;
/** Anchor of a paragraph on its article page: first-seen links from copies jump to it. */
export const paragraphAnchor = (p: StoredParagraph, index: number) =>
  p.hash ? `p-${p.hash}` : `p${index + 1}`;

/** Escaped like any value (it has no character that escaping changes). */
const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#20325a;color:#fff;padding:.6rem 1.2rem}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:60rem;margin:0 auto;padding:1rem 1.2rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
.badge{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:.6rem;background:#e4e8f0;margin-left:.3rem}
.badge.copy{background:#ffe1a8}.muted{color:#666;font-size:.9rem}
form.filters{display:flex;gap:.8rem;flex-wrap:wrap;align-items:end;margin-bottom:1rem}form.filters label{display:flex;flex-direction:column;font-size:.85rem}
article .para{margin:.8rem 0;padding:.2rem .5rem;border-left:3px solid transparent}
article .para.seen-elsewhere{background:#fff4c2;border-left-color:#e0a800}
article .para:target{outline:2px solid #20325a}
.first-seen{display:block;font-size:.8rem;margin-top:.2rem}
.stats{display:flex;gap:1.2rem;flex-wrap:wrap;font-size:.9rem;margin:.5rem 0 1rem}
.error{background:#fde2e2;padding:.8rem;border-radius:.3rem}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}form.search-box{margin-left:auto;display:flex;gap:.3rem}
ol.hits{padding-left:1.2rem}ol.hits li{margin:.8rem 0}.snippet{margin:.2rem 0;color:#333}mark{background:#fff0a0;padding:0 .1rem}
`;

/** The page frame: title, navigation, content. */
export function layout(title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · News archive</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">News archive</a> <span class="muted" style="color:#c9d3ea">clean copies, read-only</span>
<form class="search-box" method="get" action="/view/search"><input type="search" name="q" aria-label="Search words" placeholder="Search the archive"><button type="submit">Search</button></form></header>
<main>
${content}
</main>
</body>
</html>
`.value;
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** How a member relates to its story's origin, as a sentence starts. */
function relationLabel(relation: ArticleRecord['relation']): string {
  if (relation === 'excerpt') return 'Excerpt';
  if (relation === 'update') return 'Update';
  if (relation === 'near-duplicate') return 'Edited copy';
  return 'Copy';
}

/** Badges saying whether an article is a copy or has copies. */
function copyBadges(record: ArticleRecord): SafeHtml {
  return html`${record.copyOf && record.originId !== record.id && html`<span class="badge copy" title="${relationLabel(record.relation).toLowerCase()} of an article first published on ${record.copyOf.host}">${relationLabel(record.relation).toLowerCase()} of ${record.copyOf.host}</span>`}${
    record.copies.length > 0 &&
    html`<span class="badge">${record.copies.length} ${record.copies.length === 1 ? 'copy' : 'copies'}</span>`
  }`;
}

/** The article list: filter form (host, day range), one page of articles, next-page link. */
export function articleListPage(input: {
  hosts: string[];
  host?: string;
  from?: string;
  to?: string;
  limit?: number;
  articles?: ArticleRecord[];
  nextCursor?: string;
  stats?: HostStats;
}): string {
  const { hosts, host, from, to } = input;
  const form = html`<form class="filters" method="get" action="/">
<label>Host<select name="host" id="host">
<option value=""${host ? '' : html` selected`}>(choose a host)</option>
${hosts.map((h) => html`<option value="${h}"${h === host ? html` selected` : ''}>${h}</option>`)}
</select></label>
<label>From<input type="date" name="from" value="${from ?? ''}"></label>
<label>To<input type="date" name="to" value="${to ?? ''}"></label>
<button type="submit">Show</button>
</form>`;
  if (!host) {
    const latest = input.articles ?? [];
    const body = html`<h1>Articles</h1>${form}
${hosts.length === 0 ? html`<p>The archive is empty. Run <code>npm start</code> (the demo) or <code>npm run cli -- ingest</code> first.</p>` : html`<p>Pick a host:</p><ul class="hosts">${hosts.map((h) => html`<li><a href="/${queryString({ host: h, from, to })}">${h}</a></li>`)}</ul>`}
${
  latest.length > 0 &&
  html`<h2>Every host, newest first</h2><table id="all-articles"><thead><tr><th>Day</th><th>Host</th><th>Title</th></tr></thead><tbody>
${latest.map((a) => html`<tr><td>${a.day}</td><td>${a.host}</td><td><a class="article-link" href="${articleHref(a.id)}">${a.title ?? '(untitled)'}</a>${copyBadges(a)}</td></tr>`)}
</tbody></table>`
}
${input.nextCursor && html`<p><a id="next-page" href="/${queryString({ from, to, limit: input.limit, cursor: input.nextCursor })}">Next page →</a></p>`}`;
    return layout('Articles', body);
  }
  const articles = input.articles ?? [];
  const stats = input.stats;
  const body = html`<h1>Articles of ${host}</h1>${form}
${stats && html`<div class="stats" id="host-stats"><span>${stats.articles}${stats.complete ? '' : '+'} articles</span><span>syndicated: ${pct(stats.syndicatedShare)}</span><span>repeated paragraphs removed: ${pct(stats.repeatedParagraphRatio)}</span><span>boilerplate removed: ${pct(stats.boilerplateRatio)}</span><span>paragraphs first seen elsewhere: ${pct(stats.firstSeenElsewhereRatio)}</span></div>`}
${
  articles.length === 0
    ? html`<p>No articles of ${host} in this range.</p>`
    : html`<table id="articles"><thead><tr><th>Day</th><th>Title</th><th>Paragraphs</th></tr></thead><tbody>
${articles.map((a) => html`<tr><td>${a.day}</td><td><a class="article-link" href="${articleHref(a.id)}">${a.title ?? '(untitled)'}</a>${copyBadges(a)}</td><td>${a.paragraphCount}</td></tr>`)}
</tbody></table>`
}
${input.nextCursor && html`<p><a id="next-page" href="/${queryString({ host, from, to, limit: input.limit, cursor: input.nextCursor })}">Next page →</a></p>`}`;
  return layout(`Articles of ${host}`, body);
}

/** A snippet with its matched words in `<mark>` (every part escaped). */
function snippetHtml(snippet: SearchHit['snippet']): SafeHtml {
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    parts.push(html`${snippet.text.slice(at, start)}<mark>${snippet.text.slice(start, end)}</mark>`);
    at = end;
  }
  parts.push(html`${snippet.text.slice(at)}`);
  return html`${parts}`;
}

/** The search page: form (words, host, day range, originals only), ranked hits, next-page link. */
export function searchPage(input: {
  hosts: string[];
  q?: string;
  host?: string;
  from?: string;
  to?: string;
  originalsOnly?: boolean;
  hits?: SearchHit[];
  nextCursor?: string;
}): string {
  const { hosts, q, host, from, to, originalsOnly } = input;
  const form = html`<form class="filters" method="get" action="/view/search" id="search-form">
<label>Words<input type="search" name="q" value="${q ?? ''}" required></label>
<label>Host<select name="host">
<option value=""${host ? '' : html` selected`}>(all hosts)</option>
${hosts.map((h) => html`<option value="${h}"${h === host ? html` selected` : ''}>${h}</option>`)}
</select></label>
<label>From<input type="date" name="from" value="${from ?? ''}"></label>
<label>To<input type="date" name="to" value="${to ?? ''}"></label>
<label><span><input type="checkbox" name="originalsOnly" value="true"${originalsOnly ? html` checked` : ''}> originals only</span></label>
<button type="submit">Search</button>
</form>`;
  const hits = input.hits;
  const results =
    hits === undefined
      ? html`<p class="muted">All words must match, in the title or the text. "A phrase" matches words in a row; word* matches words starting with it.</p>`
      : hits.length === 0
        ? html`<p id="no-hits">No article matches.</p>`
        : html`<ol class="hits" id="hits">${hits.map(
            (h) =>
              html`<li><a class="article-link" href="${articleHref(h.id)}">${h.title ?? '(untitled)'}</a>${h.copyOfHost && html`<span class="badge copy">copy of ${h.copyOfHost}</span>`}
<div class="muted">${h.host} · ${h.day}${h.language ? ` · ${h.language}` : ''}</div>
<p class="snippet">${snippetHtml(h.snippet)}</p></li>`,
          )}</ol>`;
  const next =
    input.nextCursor &&
    html`<p><a id="next-page" href="/view/search${queryString({ q, host, from, to, originalsOnly: originalsOnly ? 'true' : undefined, cursor: input.nextCursor })}">Next page →</a></p>`;
  return layout(q ? `Search: ${q}` : 'Search', html`<h1>Search</h1>${form}${results}${next}`);
}

/** One paragraph, highlighted and linked to its first appearance when that was another article. */
function paragraphHtml(copy: CleanCopy, p: StoredParagraph, index: number): SafeHtml {
  const elsewhere = p.firstSeen && p.firstSeen.articleId !== copy.id ? p.firstSeen : undefined;
  const tag = p.kind === 'heading' ? 'h2' : p.kind === 'quote' ? 'blockquote' : 'p';
  const text = p.kind === 'list-item' ? html`• ${p.text}` : html`${p.text}`;
  const inner =
    tag === 'h2'
      ? html`<h2>${text}</h2>`
      : tag === 'blockquote'
        ? html`<blockquote>${text}</blockquote>`
        : html`<p>${text}</p>`;
  return html`<div class="para${elsewhere ? ' seen-elsewhere' : ''}" id="${paragraphAnchor(p, index)}">${inner}${
    elsewhere &&
    html`<a class="first-seen" href="${articleHref(elsewhere.articleId, p.hash ? `p-${p.hash}` : undefined)}">first seen on ${elsewhere.host}, ${elsewhere.publishedAt ? html`published ${elsewhere.publishedAt}` : elsewhere.seenAt}</a>`
  }${p.firstCrawled && html`<span class="first-seen muted">first crawled on ${p.firstCrawled.host}, ${p.firstCrawled.seenAt}</span>`}</div>`;
}

/** An article page: metadata, copy links, paragraphs with first-seen highlights. */
export function articlePage(copy: CleanCopy, related: { copyOf?: ArticleRecord }): string {
  const source = externalHref(copy.url);
  const elsewhere = copy.paragraphs.filter((p) => p.firstSeen && p.firstSeen.articleId !== copy.id).length;
  const body = html`<article>
<h1 id="title">${copy.title ?? '(untitled)'}</h1>
<p class="muted">${[copy.siteName ?? copy.host, copy.authors.join(', '), copy.publishedAt ?? `fetched ${copy.fetchedAt}`, copy.language].filter(Boolean).join(' · ')}</p>
<p class="muted">Source: ${source ? html`<a href="${source}" rel="noopener noreferrer nofollow">${copy.url}</a>` : copy.url} · <a href="/articles/${copy.id}?format=md">Markdown</a> · <a href="/articles/${copy.id}?format=text">text</a> · <a href="/articles/${copy.id}">JSON</a></p>
${copy.copyOf && copy.originId !== copy.id && html`<p id="copy-of">${relationLabel(copy.relation)} of <a id="origin-link" href="${articleHref(copy.copyOf.articleId)}">${related.copyOf?.title ?? copy.copyOf.url}</a>, first published by ${copy.copyOf.host}${related.copyOf?.publishedAt ? html` on ${related.copyOf.publishedAt}` : ''} (${pct(copy.copyOf.overlap)} overlap, ${copy.copyOf.method}).</p>`}
${copy.copies.length > 0 && html`<p>Copies on other publishers:</p><ul id="copies">${copy.copies.map((c) => html`<li><a href="${articleHref(c.articleId)}">${c.host}</a> (${pct(c.overlap)} overlap, ${c.method})</li>`)}</ul>`}
${(copy.copyOf || copy.copies.length > 0 || copy.clusterId) && html`<p><a id="story-link" href="${storyHref(copy.id)}">Story cluster</a></p>`}
<p class="muted">${copy.paragraphs.length} paragraphs${elsewhere > 0 ? html`; <span class="legend">${elsewhere} first seen elsewhere (highlighted)</span>` : ''}. Removed while cleaning: ${copy.stats.repeatedParagraphsRemoved} repeated, ${copy.stats.boilerplateParagraphsRemoved} boilerplate.</p>
<div class="body">
${copy.paragraphs.map((p, i) => paragraphHtml(copy, p, i))}
</div>
</article>`;
  return layout(copy.title ?? copy.id, body);
}

/** The story cluster: origin first, then every copy with its overlap. */
export function storyPage(story: StoryView): string {
  const { origin, article } = story;
  const body = html`<h1>Story cluster</h1>
<p>Likely origin: <a id="origin" data-id="${origin.id}" href="${articleHref(origin.id)}">${origin.title ?? origin.url}</a> on ${origin.host}${origin.publishedAt ? html`, published ${origin.publishedAt}` : ''}.</p>
<table id="members"><thead><tr><th>Host</th><th>Title</th><th>Published</th><th>Relation</th></tr></thead><tbody>
${story.members.map(
  (m) =>
    html`<tr${m.id === article.id ? html` class="current"` : ''}><td>${m.host}</td><td><a href="${articleHref(m.id)}">${m.title ?? '(untitled)'}</a>${m.id === article.id ? html` <span class="badge">this article</span>` : ''}</td><td>${m.publishedAt ?? m.fetchedAt}</td><td>${
      m.id === origin.id
        ? 'origin'
        : m.copyOf
          ? html`${relationLabel(m.relation).toLowerCase()} of ${m.copyOf.host} (${pct(m.copyOf.overlap)}, ${m.copyOf.method})`
          : (m.relation ?? 'related')
    }</td></tr>`,
)}
</tbody></table>`;
  return layout('Story cluster', body);
}

/** An error page with the (escaped) message. */
export function errorPage(status: number, message: string): string {
  return layout(
    status === 404 ? 'Not found' : 'Error',
    html`<h1>${status === 404 ? 'Not found' : status === 400 ? 'Bad request' : 'Error'}</h1><p class="error">${message}</p><p><a href="/">Back to the list</a></p>`,
  );
}
