/** "Did you mean" suggestions for unknown keys in configuration files. */

/** Largest edit distance still worth suggesting, relative to the key's length (1 per 3 chars). */
const MAX_EDIT_DISTANCE_PER_CHAR = 1 / 3;

/** Words people write for a known field that no edit distance would connect to it. */
const SYNONYMS: Readonly<Record<string, string>> = {
  rss: 'feeds',
  atom: 'feeds',
  url: 'homepage',
  site: 'homepage',
  website: 'homepage',
  home: 'homepage',
  cron: 'schedule',
  rate: 'schedule',
  include: 'allow',
  exclude: 'deny',
  rpm: 'requestsPerMinute',
  limit: 'maxArticlesPerRun',
  robots: 'useRobotsSitemaps',
  title: 'name',
};

/** Lower case without `_`, `-` and spaces, so `max_articles_per_run` meets `maxArticlesPerRun`. */
function fold(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The known key an unknown key was probably meant to be, or `undefined`.
 *
 * @example suggestKey('feed', ['feeds', 'sitemaps']) // → 'feeds'
 * @example suggestKey('max_articles_per_run', ['maxArticlesPerRun']) // → 'maxArticlesPerRun'
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const folded = fold(unknown);
  const exact = known.find((key) => fold(key) === folded);
  if (exact !== undefined) return exact;
  const synonym = SYNONYMS[folded];
  if (synonym !== undefined && known.includes(synonym)) return synonym;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of known) {
    const distance = editDistance(folded, fold(key));
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(folded.length * MAX_EDIT_DISTANCE_PER_CHAR));
  return bestDistance <= allowed ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
