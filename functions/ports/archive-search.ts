import type { StoryRelation } from '../core/article';
import type { SearchTerm } from '../core/search/search-terms';
import type { Snippet } from '../core/search/snippet';

/** A validated full-text search (the query core parses and checks what the user typed). */
export interface ArchiveSearchQuery {
  /** Parsed search words, at least one; all must match (in the title or the text). */
  terms: SearchTerm[];
  host?: string;
  /** Article days (`YYYY-MM-DD`, inclusive), as `/articles` filters them. */
  fromDay?: string;
  toDay?: string;
  /** Only articles that are their story's origin (no copy of another publisher's article). */
  originalsOnly: boolean;
  limit: number;
  /** Hits to skip (the page cursor). */
  offset: number;
}

/** One article that matches, best first. */
export interface SearchHit {
  id: string;
  host: string;
  day: string;
  url: string;
  title?: string;
  publishedAt?: string;
  language?: string;
  relation?: StoryRelation;
  /** Host of the article this one copies, when it is a copy. */
  copyOfHost?: string;
  /** Relevance, higher is better (comparable within one answer only). */
  score: number;
  snippet: Snippet;
}

/**
 * Full-text search over the current clean copy of every article: ranked hits with snippets.
 * Locally SQLite FTS5 (`functions/adapters/sqlite-search/`), on AWS Athena over the clean-copy
 * table (`functions/adapters/athena/`).
 */
export interface ArchiveSearch {
  /** One page of hits; `more` says whether a next page exists. */
  search(query: ArchiveSearchQuery): Promise<{ hits: SearchHit[]; more: boolean }>;
  /** Whether any article of this host is searchable (an unknown host is named as such). */
  hasHost(host: string): Promise<boolean>;
  close(): Promise<void>;
}
