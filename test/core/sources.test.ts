import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/errors';
import { matchesSourceFilters, parseSources, type Source } from '../../functions/core/sources';

/** The ConfigError message thrown for a sources file, split into problem lines. */
function problemsOf(text: string, fileName: string): string[] {
  try {
    parseSources(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected parseSources to throw');
}

const VALID_YAML = `# two publishers
sources:
  - id: dailyplanet
    name: The Daily Planet
    feeds:
      - https://dailyplanet.test/feed.xml
    sitemaps: [https://dailyplanet.test/sitemap.xml]
    schedule: rate(30 minutes)
    allow: ['/news/', '/business/']
    deny: ['/video/']
    maxArticlesPerRun: 20
    requestsPerMinute: 30
  - id: metro-herald
    homepage: https://metroherald.test/
    schedule: cron(0/30 * * * ? *)
    useRobotsSitemaps: false
`;

describe('parseSources: valid files', () => {
  it('reads YAML with { sources: [...] } and applies defaults', () => {
    expect(parseSources(VALID_YAML, 'sources.yaml')).toEqual([
      {
        id: 'dailyplanet',
        name: 'The Daily Planet',
        feeds: ['https://dailyplanet.test/feed.xml'],
        sitemaps: ['https://dailyplanet.test/sitemap.xml'],
        schedule: 'rate(30 minutes)',
        allow: ['/news/', '/business/'],
        deny: ['/video/'],
        maxArticlesPerRun: 20,
        requestsPerMinute: 30,
        useRobotsSitemaps: true,
        enabled: true,
      },
      {
        id: 'metro-herald',
        name: 'metro-herald',
        feeds: [],
        sitemaps: [],
        homepage: 'https://metroherald.test/',
        schedule: 'cron(0/30 * * * ? *)',
        allow: [],
        deny: [],
        maxArticlesPerRun: 50,
        useRobotsSitemaps: false,
        enabled: true,
      },
    ]);
  });

  it('reads JSON, as a top-level array too, and by content when the extension says nothing', () => {
    const json = JSON.stringify([{ id: 'a', feeds: ['https://a.test/rss'] }]);
    const expected = parseSources(json, 'sources.json');
    expect(expected).toHaveLength(1);
    expect(expected[0]).toMatchObject({ id: 'a', schedule: 'rate(1 hour)', maxArticlesPerRun: 50 });
    expect(parseSources(json, 'sources.conf')).toEqual(expected);
    expect(
      parseSources(JSON.stringify({ sources: [{ id: 'a', feeds: ['https://a.test/rss'] }] }), 'x.json'),
    ).toEqual(expected);
  });

  it('lets entries share settings through YAML anchors and merge keys', () => {
    const yaml = `defaults: &defaults
  schedule: rate(15 minutes)
  maxArticlesPerRun: 10
sources:
  - <<: *defaults
    id: a
    feeds: [https://a.test/rss]
  - <<: *defaults
    id: b
    homepage: https://b.test/
    maxArticlesPerRun: 99
`;
    // "defaults" is not a known top-level field: anchors must live inside the list.
    expect(() => parseSources(yaml, 's.yaml')).toThrow('unknown top-level field "defaults"');
    const inList = `- &defaults
  id: a
  feeds: [https://a.test/rss]
  schedule: rate(15 minutes)
  maxArticlesPerRun: 10
- <<: *defaults
  id: b
  maxArticlesPerRun: 99
`;
    const [a, b] = parseSources(inList, 's.yaml');
    expect(a).toMatchObject({ id: 'a', schedule: 'rate(15 minutes)', maxArticlesPerRun: 10 });
    expect(b).toMatchObject({
      id: 'b',
      feeds: ['https://a.test/rss'],
      schedule: 'rate(15 minutes)',
      maxArticlesPerRun: 99,
    });
  });

  it('hands EventBridge the schedule with canonical spacing', () => {
    const [a] = parseSources(
      '- id: a\n  feeds: [https://a.test/rss]\n  schedule: "cron(0/30  *  * * ?  *)"\n',
      's.yaml',
    );
    expect(a.schedule).toBe('cron(0/30 * * * ? *)');
    const [b] = parseSources(
      '- id: b\n  feeds: [https://b.test/rss]\n  schedule: "rate( 5   minutes )"\n',
      's.yaml',
    );
    expect(b.schedule).toBe('rate(5 minutes)');
  });

  it('accepts the demo sources file shipped with the fixtures', () => {
    const path = fileURLToPath(new URL('../fixtures/sources/demo-sources.yaml', import.meta.url));
    const sources = parseSources(readFileSync(path, 'utf8'), 'demo-sources.yaml');
    expect(sources.map((s) => s.id)).toContain('dailyplanet');
  });
});

describe('parseSources: problems', () => {
  it("reports a typo'd key as an unknown field with a suggestion", () => {
    const problems = problemsOf(
      '- id: planet\n  homepage: https://p.test/\n  feed: [https://p.test/rss]\n',
      'sources.yaml',
    );
    expect(problems).toEqual([
      'sources.yaml: entry 1 (id "planet"): feed: unknown field (did you mean "feeds"?) (line 3)',
    ]);
  });

  it.each([
    ['sitemap', 'sitemaps'],
    ['max_articles_per_run', 'maxArticlesPerRun'],
    ['shedule', 'schedule'],
    ['rss', 'feeds'],
    ['Allow', 'allow'],
  ])('suggests %s → %s', (typo, field) => {
    const problems = problemsOf(`- id: p\n  homepage: https://p.test/\n  ${typo}: x\n`, 's.yaml');
    expect(problems[0]).toContain(`${typo}: unknown field (did you mean "${field}"?)`);
  });

  it('does not invent a suggestion for an unrelated key', () => {
    const problems = problemsOf('- id: p\n  homepage: https://p.test/\n  colour: blue\n', 's.yaml');
    expect(problems[0]).toMatch(/colour: unknown field \(line 3\)$/);
  });

  it('names file, entry, id and field for a bad URL', () => {
    const problems = problemsOf(
      '- id: a\n  feeds: [https://a.test/rss]\n- id: dailyplanet\n  feeds:\n    - htp://x\n',
      'sources.yaml',
    );
    expect(problems).toEqual([
      'sources.yaml: entry 2 (id "dailyplanet"): feeds[0]: "htp://x" is not an http(s) URL (line 5)',
    ]);
  });

  it('reports a regular expression that does not compile', () => {
    const problems = problemsOf(
      '- id: a\n  feeds: [https://a.test/rss]\n  deny: ["ok", "(unclosed"]\n',
      's.yaml',
    );
    expect(problems).toEqual([
      's.yaml: entry 1 (id "a"): deny[1]: "(unclosed" is not a valid regular expression: Unterminated group (line 3)',
    ]);
  });

  it('rejects duplicate ids, naming the first use', () => {
    const problems = problemsOf(
      '- id: a\n  feeds: [https://a.test/rss]\n- id: a\n  feeds: [https://a.test/rss2]\n',
      's.yaml',
    );
    expect(problems).toEqual([
      's.yaml: entry 2 (id "a"): id: duplicate id "a" (already used by entry 1) (line 3)',
    ]);
  });

  it('needs at least one of feeds, sitemaps or homepage', () => {
    expect(problemsOf('- id: a\n  feeds: []\n', 's.yaml')).toEqual([
      's.yaml: entry 1 (id "a"): needs at least one of feeds, sitemaps or homepage (line 1)',
    ]);
  });

  it('collects every problem of every entry, in JSON too', () => {
    const json = JSON.stringify(
      {
        sources: [
          { id: 'Daily Planet', feeds: 'https://p.test/rss', maxArticlesPerRun: 2.5 },
          {
            name: 'no id',
            sitemaps: ['https://s.test/sitemap.xml'],
            requestsPerMinute: 'fast',
            useRobotsSitemaps: 'yes',
          },
          42,
        ],
      },
      null,
      2,
    );
    const problems = problemsOf(json, 'sources.json');
    expect(problems).toEqual([
      expect.stringMatching(
        /^sources\.json: entry 1 \(id "Daily Planet"\): id: "Daily Planet" is not a valid id: .*\(e\.g\. "daily-planet"\) \(line 4\)$/,
      ),
      'sources.json: entry 1 (id "Daily Planet"): feeds: must be a list of feed URLs, got the string "https://p.test/rss" (line 5)',
      'sources.json: entry 1 (id "Daily Planet"): maxArticlesPerRun: must be a whole number, got 2.5 (line 6)',
      'sources.json: entry 2: id: is required (line 8)',
      'sources.json: entry 2: requestsPerMinute: must be a number, got the string "fast" (line 13)',
      'sources.json: entry 2: useRobotsSitemaps: must be true or false, got the string "yes" (line 14)',
      'sources.json: entry 3: must be a mapping of fields, got number 42 (line 16)',
    ]);
  });

  it('reports the shared typo fixture with entry and field for each mistake', () => {
    const path = fileURLToPath(new URL('../fixtures/sources/typo-sources.yaml', import.meta.url));
    const message = problemsOf(readFileSync(path, 'utf8'), 'typo-sources.yaml').join('\n');
    expect(message).toContain(
      'typo-sources.yaml: entry 1 (id "dailyplanet"): feed: unknown field (did you mean "feeds"?)',
    );
    expect(message).toContain(
      'typo-sources.yaml: entry 2 (id "metroherald"): homepage: "htp://metroherald.example/" is not an http(s) URL',
    );
    expect(message).toContain(
      'typo-sources.yaml: entry 2 (id "metroherald"): feeds[0]: "htp://metroherald.example/atom.xml" is not an http(s) URL',
    );
    expect(message).toMatch(
      /typo-sources\.yaml: entry 2 \(id "metroherald"\): schedule: "every hour": must be rate\(/,
    );
  });

  it.each([
    ['rate(1 minutes)', 'needs the singular unit "minute"'],
    ['rate(5 minute)', 'needs the plural unit "minutes"'],
    ['rate(0 hours)', 'positive integer'],
    ['rate(2 weeks)', 'unknown rate unit "weeks"'],
    ['cron(0/30 * * * *)', 'needs 6 fields'],
    ['cron(0 12 * * * *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 12 ? * ? *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(61 * * * ? *)', 'minutes field "61": 61 is outside 0-59'],
    ['cron(0 * * FOO ? *)', 'month field "FOO"'],
    ['at(2026-12-01T00:00:00)', 'one-time'],
    ['*/30 * * * *', 'must be rate('],
  ])('rejects schedule %j (%s)', (schedule, why) => {
    const problems = problemsOf(
      `- id: a\n  feeds: [https://a.test/rss]\n  schedule: "${schedule}"\n`,
      's.yaml',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('entry 1 (id "a"): schedule: ');
    expect(problems[0]).toContain(why);
  });

  it.each([
    ['rate(1 minute)'],
    ['rate(45 minutes)'],
    ['rate(1 day)'],
    ['cron(0 8 * * ? *)'],
    ['cron(0 18 ? * MON-FRI *)'],
    ['cron(15 10 L * ? 2026-2030)'],
    ['cron(0 9 ? * 2#1 *)'],
    ['cron(0,30 6-22/2 1W JAN,JUL ? *)'],
  ])('accepts schedule %j', (schedule) => {
    expect(
      parseSources(`- id: a\n  feeds: [https://a.test/rss]\n  schedule: "${schedule}"\n`, 's.yaml')[0]
        .schedule,
    ).toBe(schedule);
  });

  it.each([
    [
      'YAML syntax error',
      'sources:\n  - id: a\n   feeds: [\n',
      's.yaml',
      /^s\.yaml: invalid YAML \(line \d+\): /,
    ],
    [
      'duplicate YAML key',
      '- id: a\n  id: b\n  feeds: [https://a.test/]\n',
      's.yaml',
      /s\.yaml: invalid YAML \(line 2\): Map keys must be unique/,
    ],
    [
      'JSON syntax error',
      '{"sources": [ {"id": "a", }]}',
      'sources.json',
      /^sources\.json: invalid JSON \(line 1, column \d+\): /,
    ],
    [
      'scalar top level',
      'just text',
      's.yaml',
      /^s\.yaml: the top level must be a list of sources or a mapping with a "sources" list, got the string "just text" \(line 1\)$/,
    ],
    [
      'missing sources list',
      'source:\n  - id: a\n',
      's.yaml',
      /unknown top-level field "source" \(did you mean "sources"\?\)[\s\S]*missing "sources" list/,
    ],
    ['empty list', 'sources: []\n', 's.yaml', /^s\.yaml: no sources defined/],
  ])('refuses a file with a %s', (_case, text, fileName, message) => {
    expect(() => parseSources(text, fileName)).toThrow(ConfigError);
    expect(() => parseSources(text, fileName)).toThrow(message);
  });

  it('refuses YAML alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    lines.push('sources: *l');
    const started = performance.now();
    expect(() => parseSources(lines.join('\n'), 'bomb.yaml')).toThrow(ConfigError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('matchesSourceFilters', () => {
  const base: Source = {
    id: 'a',
    name: 'a',
    feeds: ['https://a.test/rss'],
    sitemaps: [],
    schedule: 'rate(1 hour)',
    allow: [],
    deny: [],
    maxArticlesPerRun: 50,
    useRobotsSitemaps: true,
    enabled: true,
  };

  it('passes everything without filters', () => {
    expect(matchesSourceFilters(base, 'https://a.test/anything')).toBe(true);
  });

  it('needs one allow match when allow patterns exist', () => {
    const source = { ...base, allow: ['/news/', '^https://a\\.test/business/'] };
    expect(matchesSourceFilters(source, 'https://a.test/news/x')).toBe(true);
    expect(matchesSourceFilters(source, 'https://a.test/business/y')).toBe(true);
    expect(matchesSourceFilters(source, 'https://a.test/sport/z')).toBe(false);
  });

  it('lets deny win over allow', () => {
    const source = { ...base, allow: ['/news/'], deny: ['/video/', '\\.pdf$'] };
    expect(matchesSourceFilters(source, 'https://a.test/news/video/x')).toBe(false);
    expect(matchesSourceFilters(source, 'https://a.test/news/report.pdf')).toBe(false);
    expect(matchesSourceFilters(source, 'https://a.test/news/report.html')).toBe(true);
  });

  it('works on sources parsed from a file', () => {
    const [planet] = parseSources(VALID_YAML, 'sources.yaml');
    expect(matchesSourceFilters(planet, 'https://dailyplanet.test/news/2026/a.html')).toBe(true);
    expect(matchesSourceFilters(planet, 'https://dailyplanet.test/video/2026/a.html')).toBe(false);
  });
});
