/**
 * Writes generated publisher sites (`test/helpers/synthetic-sites.ts`: the fixture templates with
 * syndicated copies, the pages bench:crawl serves) as one WARC file, the way a crawler would have
 * archived them: per host robots.txt, feed and sitemap (not HTML: skipped by a backfill), the home
 * page (an index page), every article page, and for a share of articles a later `revisit` record.
 * Capture times follow the articles' stream order.
 */
import type { SyntheticSites } from '../../test/helpers/synthetic-sites';
import {
  responseRecord,
  revisitRecord,
  WarcFileWriter,
  warcinfoRecord,
  type WarcVersion,
} from './warc-writer';

/** Options of {@link writeSitesWarc}. */
export interface SitesWarcOptions {
  gzip?: boolean;
  version?: WarcVersion;
  /** Every n-th article gets a revisit record after all pages (0: none). Default 10. */
  revisitEvery?: number;
  /** Capture time of the first record (ISO 8601); each next one a second later. */
  startAt?: string;
}

/** What was written. */
export interface SitesWarcResult {
  records: number;
  articlePages: number;
  revisits: number;
  bytes: number;
}

/** Writes the sites' pages into `path` (see the module doc). Streams: memory holds one record. */
export async function writeSitesWarc(
  sites: SyntheticSites,
  path: string,
  options: SitesWarcOptions = {},
): Promise<SitesWarcResult> {
  const version = options.version ?? '1.1';
  const writer = new WarcFileWriter(path, options.gzip ?? true);
  let at = Date.parse(options.startAt ?? '2026-11-24T06:00:00Z');
  const nextDate = () => {
    at += 1000;
    return new Date(at).toISOString();
  };
  let records = 0;
  let articlePages = 0;
  const add = async (record: Buffer) => {
    await writer.add(record);
    records++;
  };
  await add(warcinfoRecord(path.split('/').pop() ?? 'synthetic.warc', version));
  for (const host of sites.hosts) {
    const site = sites.pages.get(host)!;
    for (const path of ['/robots.txt', '/feed.xml', '/sitemap.xml', '/']) {
      const page = site.get(path);
      if (!page) continue;
      await add(
        responseRecord({
          url: `http://${host}${path}`,
          date: nextDate(),
          headers: { 'Content-Type': page.contentType },
          body: page.body,
          version,
        }),
      );
    }
  }
  // Article pages in the order the sites list them (the crawl benchmark's URL order).
  for (const url of sites.articleUrls) {
    const u = new URL(url);
    const page = sites.pages.get(u.host)?.get(u.pathname);
    if (!page) continue;
    await add(
      responseRecord({
        url,
        date: nextDate(),
        headers: { 'Content-Type': page.contentType },
        body: page.body,
        version,
      }),
    );
    articlePages++;
  }
  let revisits = 0;
  const every = options.revisitEvery ?? 10;
  if (every > 0)
    for (let i = 0; i < sites.articleUrls.length; i += every) {
      await add(revisitRecord(sites.articleUrls[i], nextDate(), version));
      revisits++;
    }
  await writer.close();
  return { records, articlePages, revisits, bytes: writer.size };
}
