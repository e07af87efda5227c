/**
 * Folding of AMP (Accelerated Mobile Pages) variants onto the regular article URL. Publishers
 * serve the same article at an AMP address too, and feeds, sitemaps and aggregators link either;
 * without folding one story would get two article ids and be "syndicated" from itself.
 */

/** Hosts of AMP caches whose paths embed the publisher URL (`/c/s/<host>/<path>`). */
const AMP_CACHE_HOST_SUFFIXES = ['.cdn.ampproject.org', '.bing-amp.com'] as const;

/** Query parameters that only request or describe the AMP rendering of a page. */
const AMP_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'amp', // ?amp, ?amp=1, ?amp=true (WordPress AMP plugin and many CMSs)
  '_amp',
  'amp_js_v', // added by the Google AMP viewer
  'amp_gsa',
  'amp_r',
  'usqp', // Google AMP cache experiment marker
  '__amp_source_origin',
]);

/** Parameters that request AMP only with a particular value (`outputType=amp`). */
const AMP_VALUED_PARAMS: ReadonlySet<string> = new Set(['outputtype', 'output', 'format', 'view']);

/**
 * If `url` is an AMP cache or AMP viewer address, returns the publisher URL it wraps
 * (`https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a` → `https://www.example.com/a`,
 * `https://www.google.com/amp/s/www.example.com/a` → `https://www.example.com/a`); else `undefined`.
 */
export function unwrapAmpCacheUrl(url: URL): string | undefined {
  const host = url.hostname;
  let rest: string | undefined;
  if (AMP_CACHE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    // /c/ = document, /v/ = viewer, /i/ = image, /r/ = resource; then optional s/ for https.
    const match = /^\/[cvir]\/(.+)$/.exec(url.pathname);
    rest = match?.[1];
  } else if (/^(www\.)?google\.[a-z.]+$/.test(host) && url.pathname.startsWith('/amp/')) {
    rest = url.pathname.slice('/amp/'.length);
  }
  if (rest === undefined) return undefined;
  const secure = rest.startsWith('s/');
  const inner = secure ? rest.slice(2) : rest;
  if (!/^[a-z0-9.-]+\.[a-z0-9-]+(:\d+)?(\/|$)/i.test(inner)) return undefined;
  return `${secure ? 'https' : 'http'}://${inner}${url.search}`;
}

/** Removes an `amp.` host prefix (`amp.example.com` → `example.com`). */
export function foldAmpHost(hostname: string): string {
  let labels = hostname.split('.');
  // Keep at least two labels so a site literally named `amp.com` is not emptied.
  while (labels.length > 2 && labels[0] === 'amp') labels = labels.slice(1);
  return labels.join('.');
}

/**
 * Removes AMP markers from a path: any `amp` segment (`/amp/story`, `/story/amp`, `/story/amp/`)
 * and the `.amp` infix before an HTML extension (`story.amp.html` → `story.html`).
 */
export function foldAmpPath(pathname: string): string {
  const segments = pathname.split('/');
  const kept = segments.filter((segment, index) => index === 0 || segment.toLowerCase() !== 'amp');
  let folded = kept.join('/');
  if (folded === '') folded = '/';
  return folded.replace(/(\.amp)+\.(html?)$/i, '.$2');
}

/** Whether a query parameter (name and decoded value) only selects the AMP rendering. */
export function isAmpQueryParam(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (AMP_QUERY_PARAMS.has(lower)) return true;
  return AMP_VALUED_PARAMS.has(lower) && value.toLowerCase() === 'amp';
}
