import { describe, expect, it } from 'vitest';
import { loadConfig } from '../functions/config';
import { ConfigError } from '../functions/errors';

/** The error message loadConfig throws for `env`, or a failure when it does not throw. */
function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives documented defaults and a frozen object', () => {
    const config = loadConfig({});
    expect(config.fetchTotalTimeoutMs).toBe(20_000);
    expect(config.allowPrivateNetwork).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads the discovery spread in seconds into ms, 0 by default, at most SQS's 900 s", () => {
    expect(loadConfig({}).discoverSpreadMs).toBe(0);
    expect(loadConfig({ DISCOVER_SPREAD_SECONDS: '900' }).discoverSpreadMs).toBe(900_000);
    expect(configError({ DISCOVER_SPREAD_SECONDS: '901' })).toMatch(/DISCOVER_SPREAD_SECONDS/);
  });

  it('names the invalid variable', () => {
    expect(configError({ FETCH_TOTAL_TIMEOUT_MS: '-5' })).toMatch(
      /^invalid configuration: FETCH_TOTAL_TIMEOUT_MS: /,
    );
  });
});

describe('loadConfig: EXTRACTION_METRIC_HOSTS (per-host metric policy)', () => {
  it('is every host when unset or "*"', () => {
    expect(loadConfig({}).perHostMetricPolicy).toEqual({ kind: 'all' });
    expect(loadConfig({ EXTRACTION_METRIC_HOSTS: '*' }).perHostMetricPolicy).toEqual({ kind: 'all' });
    expect(loadConfig({ EXTRACTION_METRIC_HOSTS: ' * ' }).perHostMetricPolicy).toEqual({ kind: 'all' });
  });

  it('is the listed hosts, lower-cased, blanks and empty entries dropped', () => {
    expect(loadConfig({ EXTRACTION_METRIC_HOSTS: 'A.example, b.example,' }).perHostMetricPolicy).toEqual({
      kind: 'listed',
      hosts: new Set(['a.example', 'b.example']),
    });
    // Pages on a non-default port have it in their host.
    expect(loadConfig({ EXTRACTION_METRIC_HOSTS: '127.0.0.1:8080' }).perHostMetricPolicy).toEqual({
      kind: 'listed',
      hosts: new Set(['127.0.0.1:8080']),
    });
  });

  it('is no host when empty (watched mode with no watched host: aggregate series only)', () => {
    expect(loadConfig({ EXTRACTION_METRIC_HOSTS: '' }).perHostMetricPolicy).toEqual({
      kind: 'listed',
      hosts: new Set(),
    });
    expect(loadConfig({ EXTRACTION_METRIC_HOSTS: ' , ' }).perHostMetricPolicy).toEqual({
      kind: 'listed',
      hosts: new Set(),
    });
  });

  it.each([
    ['a URL', 'https://www.example.com'],
    ['a path', 'www.example.com/news'],
    ['"*" inside a list', '*,www.example.com'],
    ['a space inside an entry', 'www.example.com news.example.org'],
    ['a bad port', 'www.example.com:http'],
  ])('refuses %s, naming the variable and the entry', (_what, value) => {
    const message = configError({ EXTRACTION_METRIC_HOSTS: value });
    expect(message).toMatch(
      /^invalid configuration: EXTRACTION_METRIC_HOSTS: expected '\*' or a comma-separated list of hosts/,
    );
    expect(message).toContain(JSON.stringify(value.split(',')[0].toLowerCase()));
  });

  it('reports it together with the other invalid variables', () => {
    const message = configError({ EXTRACTION_METRIC_HOSTS: 'http://x.example', MAX_FETCH_ATTEMPTS: '0' });
    expect(message).toContain('MAX_FETCH_ATTEMPTS: ');
    expect(message).toContain('EXTRACTION_METRIC_HOSTS: ');
  });
});
