import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedUrlError } from '../../functions/errors';
import { fetchPage } from '../../functions/fetch/fetch-page';
import { parsedPolicy, RobotsCache, type RobotsCacheOptions } from '../../functions/fetch/robots';
import { startMisbehavingServer, type MisbehavingServer } from '../helpers/misbehaving-server';

const RULES = [
  'User-agent: *',
  'Disallow: /private/',
  'Crawl-delay: 2',
  '',
  'User-agent: RobotsTestBot',
  'Disallow: /members/',
  'Allow: /members/public',
  'Crawl-delay: 0.5',
  '',
  'Sitemap: http://rules.example/sitemap.xml',
  'Sitemap: http://rules.example/news-sitemap.xml',
].join('\n');

const HOSTS = [
  'rules.example',
  'missing.example',
  'forbidden.example',
  'down.example',
  'throttled.example',
  'html.example',
  'slow.example',
];

let server: MisbehavingServer;

beforeAll(async () => {
  server = await startMisbehavingServer({
    robotsByHost: {
      'rules.example': { status: 200, body: RULES },
      'missing.example': { status: 404 },
      'forbidden.example': { status: 403, body: 'User-agent: *\nDisallow: /' },
      'down.example': { status: 503, body: 'User-agent: *\nAllow: /' },
      'throttled.example': { status: 429 },
      'html.example': { status: 200, contentType: 'text/html', body: 'User-agent: *\nDisallow: /x/' },
      'slow.example': { status: 200, body: 'User-agent: *\nDisallow: /', delayMs: 2_000 },
    },
  });
});
afterAll(() => server.close());

function cache(
  extra: Partial<RobotsCacheOptions> = {},
  userAgent = 'RobotsTestBot/2.1 (+http://127.0.0.1/bot)',
): RobotsCache {
  return new RobotsCache({
    fetchOptions: {
      userAgent,
      connectTimeoutMs: 300,
      totalTimeoutMs: 300,
      maxBodyBytes: 1_000_000,
      maxRedirects: 5,
      allowPrivateNetwork: true,
      hostMap: Object.fromEntries(HOSTS.map((h) => [h, { host: '127.0.0.1', port: server.port }])),
    },
    ...extra,
  });
}

describe('RobotsCache', () => {
  it('applies the group for our product token, with crawl delay and sitemaps', async () => {
    const policy = await cache().policyFor('http://rules.example/members/x');
    expect(policy.source).toBe('rules');
    expect(policy.isAllowed('http://rules.example/members/secret')).toBe(false);
    expect(policy.isAllowed('http://rules.example/members/public/page')).toBe(true);
    // Our own group replaces "*": /private/ is not disallowed for us.
    expect(policy.isAllowed('http://rules.example/private/a')).toBe(true);
    expect(policy.crawlDelayMs).toBe(500);
    expect(policy.sitemaps).toEqual([
      'http://rules.example/sitemap.xml',
      'http://rules.example/news-sitemap.xml',
    ]);
    expect(policy.robotsUrl).toBe('http://rules.example/robots.txt');
  });

  it('uses the * group for other agents', async () => {
    const other = cache({}, 'SomeoneElse/1.0');
    const policy = await other.policyFor('http://rules.example/');
    expect(policy.isAllowed('http://rules.example/private/a')).toBe(false);
    expect(policy.isAllowed('http://rules.example/members/secret')).toBe(true);
    expect(policy.crawlDelayMs).toBe(2_000);
  });

  it('treats 404 and other 4xx as "no robots.txt": allow all', async () => {
    const robots = cache();
    for (const host of ['missing.example', 'forbidden.example']) {
      const policy = await robots.policyFor(`http://${host}/a`);
      expect(policy.source).toBe('missing');
      expect(policy.isAllowed(`http://${host}/anything`)).toBe(true);
      expect(policy.crawlDelayMs).toBeUndefined();
    }
  });

  it('treats 5xx, 429 and timeouts as "disallow all for now"', async () => {
    const robots = cache();
    const reasons: Record<string, string> = {
      'down.example': 'http-503',
      'throttled.example': 'http-429',
      'slow.example': 'timeout-total',
    };
    for (const [host, reason] of Object.entries(reasons)) {
      const policy = await robots.policyFor(`http://${host}/a`);
      expect(policy.source).toBe('unavailable');
      expect(policy.unavailableReason).toBe(reason);
      expect(policy.isAllowed(`http://${host}/a`)).toBe(false);
    }
  });

  it('accepts robots.txt served with a wrong content type', async () => {
    const policy = await cache().policyFor('http://html.example/');
    expect(policy.isAllowed('http://html.example/x/1')).toBe(false);
    expect(policy.isAllowed('http://html.example/y/1')).toBe(true);
  });

  it('caches per origin within the TTL, shares concurrent requests, and refetches after expiry', async () => {
    let nowMs = 1_000_000;
    let calls = 0;
    const robots = cache({
      now: () => nowMs,
      ttlMs: 60_000,
      fetcher: (url, options) => {
        calls += 1;
        return fetchPage(url, options);
      },
    });
    await Promise.all([
      robots.policyFor('http://rules.example/a'),
      robots.policyFor('http://rules.example/b'),
    ]);
    await robots.policyFor('http://rules.example/c');
    expect(calls).toBe(1);
    await robots.policyFor('http://missing.example/c'); // another origin
    expect(calls).toBe(2);
    nowMs += 60_001;
    await robots.policyFor('http://rules.example/d');
    expect(calls).toBe(3);
  });

  it('keeps a stale good copy when the origin starts failing, and retries errors sooner', async () => {
    let nowMs = 0;
    let failing = false;
    const robots = cache({
      now: () => nowMs,
      ttlMs: 10_000,
      errorTtlMs: 1_000,
      fetcher: (url, options) =>
        fetchPage(failing ? url.replace('rules.example', 'down.example') : url, options),
    });
    expect((await robots.policyFor('http://rules.example/')).source).toBe('rules');
    failing = true;
    nowMs = 10_001;
    const stale = await robots.policyFor('http://rules.example/');
    expect(stale.source).toBe('rules');
    expect(stale.isAllowed('http://rules.example/members/secret')).toBe(false);
  });

  it('does not turn a blocked origin into a robots answer', async () => {
    const robots = new RobotsCache({
      fetchOptions: {
        userAgent: 'RobotsTestBot/2.1',
        connectTimeoutMs: 300,
        totalTimeoutMs: 300,
        maxBodyBytes: 1e6,
        maxRedirects: 5,
        allowPrivateNetwork: false,
      },
    });
    await expect(robots.policyFor('http://169.254.169.254/latest/')).rejects.toBeInstanceOf(BlockedUrlError);
  });

  it('evicts the least recently used origin beyond maxOrigins', async () => {
    let calls = 0;
    const robots = cache({
      maxOrigins: 1,
      fetcher: (url, options) => {
        calls += 1;
        return fetchPage(url, options);
      },
    });
    await robots.policyFor('http://rules.example/');
    await robots.policyFor('http://missing.example/');
    await robots.policyFor('http://rules.example/');
    expect(calls).toBe(3);
  });
});

describe('parsedPolicy', () => {
  it('always allows robots.txt itself and refuses URLs of another origin', () => {
    const policy = parsedPolicy('https://a.example/robots.txt', 'User-agent: *\nDisallow: /', 'Bot/1.0');
    expect(policy.isAllowed('https://a.example/robots.txt')).toBe(true);
    expect(policy.isAllowed('https://a.example/page')).toBe(false);
    expect(policy.isAllowed('https://b.example/page')).toBe(false);
  });

  it('handles wildcards and end anchors', () => {
    const policy = parsedPolicy(
      'https://a.example/robots.txt',
      'User-agent: *\nDisallow: /*.pdf$\nDisallow: /search?',
      'Bot/1.0',
    );
    expect(policy.isAllowed('https://a.example/doc.pdf')).toBe(false);
    expect(policy.isAllowed('https://a.example/doc.pdf?x=1')).toBe(true);
    expect(policy.isAllowed('https://a.example/search?q=x')).toBe(false);
    expect(policy.isAllowed('https://a.example/news/1')).toBe(true);
  });
});
