import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  integerOption,
  loopbackPortsOf,
  markRequiredOptions,
  resolveOption,
} from '../../functions/cli/cli-options';
import { ConfigError } from '../../functions/errors';

describe('integerOption', () => {
  const limit = integerOption('--limit', { min: 1 });
  it('accepts integers in range', () => {
    expect(limit('20')).toBe(20);
    expect(integerOption('--port', { min: 0, max: 65_535 })('0')).toBe(0);
  });
  it('names the option and the value it refuses (regression: "got NaN")', () => {
    expect(() => limit('abc')).toThrow(new ConfigError("--limit must be a positive integer, got 'abc'"));
    expect(() => limit('0')).toThrow(/got '0'/);
    expect(() => limit('2.5')).toThrow(/got '2\.5'/);
    expect(() => limit('')).toThrow(/got ''/);
    expect(() => integerOption('--limit', { min: 1, max: 100 })('101')).toThrow(
      "--limit must be a positive integer up to 100, got '101'",
    );
    expect(() => integerOption('--port', { min: 0, max: 65_535 })('70000')).toThrow(
      "--port must be a non-negative integer up to 65535, got '70000'",
    );
  });
});

describe('resolveOption (--resolve HOST=ADDR:PORT)', () => {
  it('builds a host map, repeatable, IPv6 in brackets', () => {
    let map = resolveOption('DailyPlanet.example=127.0.0.1:8080', undefined);
    map = resolveOption('metroherald.example:443=[::1]:8443', map);
    map = resolveOption('wire.example=mirror.internal.test:80', map);
    expect(map).toEqual({
      'dailyplanet.example': { host: '127.0.0.1', port: 8080 },
      'metroherald.example:443': { host: '::1', port: 8443 },
      'wire.example': { host: 'mirror.internal.test', port: 80 },
    });
  });
  it('refuses malformed entries, naming the option and the value', () => {
    for (const bad of [
      'dailyplanet.example',
      'x=127.0.0.1',
      'x=127.0.0.1:0',
      'x=127.0.0.1:99999',
      '=1.2.3.4:80',
    ]) {
      expect(() => resolveOption(bad, undefined), bad).toThrow(
        `--resolve must be HOST=ADDR:PORT (e.g. dailyplanet.example=127.0.0.1:8080), got '${bad}'`,
      );
    }
  });
  it('opens loopback only on the ports of entries that point at loopback', () => {
    expect(
      loopbackPortsOf({
        a: { host: '127.0.0.1', port: 8080 },
        b: { host: '::1', port: 8443 },
        c: { host: 'localhost', port: 9000 },
        d: { host: '93.184.215.14', port: 80 },
        e: { host: '10.0.0.5', port: 81 },
      }),
    ).toEqual([8080, 8443, 9000]);
    expect(loopbackPortsOf(undefined)).toEqual([]);
  });
});

describe('markRequiredOptions', () => {
  it('marks mandatory options in the help of every subcommand, once', () => {
    const program = new Command('p');
    program.command('ingest').requiredOption('--sources <file>', 'sources file').option('--verbose', 'talk');
    markRequiredOptions(program);
    markRequiredOptions(program);
    const help = program.commands[0].helpInformation();
    expect(help).toMatch(/--sources <file>\s+sources file \(required\)\n/);
    expect(help).not.toMatch(/talk \(required\)/);
    expect(help.match(/\(required\)/g)).toHaveLength(1);
  });
});
