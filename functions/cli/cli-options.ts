/* Parsing and help of CLI options shared by the commands: numbers, --resolve, required marks. */
import { type Command, Option } from 'commander';
import { ConfigError } from '../errors';
import { classifyAddress, hostAsIpLiteral } from '../fetch/ssrf-guard';

/**
 * An option parser for an integer in [min, max]; anything else is a ConfigError naming the option
 * and the value (the CLI prints it without a stack and exits 2).
 * @example
 * new Option('--limit <n>').argParser(integerOption('--limit', { min: 1 }));
 * // --limit abc → "--limit must be a positive integer, got 'abc'"
 */
export function integerOption(name: string, range: { min: number; max?: number }): (value: string) => number {
  return (value) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(n) && n >= range.min && (range.max === undefined || n <= range.max)) return n;
    throw new ConfigError(`${name} must be ${describeRange(range)}, got '${value}'`);
  };
}

function describeRange({ min, max }: { min: number; max?: number }): string {
  const upTo = max === undefined ? '' : ` up to ${max}`;
  if (min === 1) return `a positive integer${upTo}`;
  if (min === 0) return `a non-negative integer${upTo}`;
  return max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
}

/** A hostname override from `--resolve`, as fetchPage's `hostMap` takes it. */
export type HostMap = Record<string, { host: string; port: number }>;

/**
 * Parser of the repeatable `--resolve HOST=ADDR:PORT` (like curl's --resolve): requests for HOST
 * (or `HOST:PORT`, that port only) connect to ADDR:PORT and still send `Host: HOST`. ADDR is an
 * IPv4 address, a bracketed IPv6 address or a name.
 * @example
 * resolveOption('dailyplanet.example=127.0.0.1:8080', {});
 * // { 'dailyplanet.example': { host: '127.0.0.1', port: 8080 } }
 */
export function resolveOption(value: string, previous: HostMap | undefined): HostMap {
  const match = /^([^=\s]+)=(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : 0;
  if (!match || port < 1 || port > 65_535) {
    throw new ConfigError(
      `--resolve must be HOST=ADDR:PORT (e.g. dailyplanet.example=127.0.0.1:8080), got '${value}'`,
    );
  }
  const host = match[2].replace(/^\[|\]$/g, '');
  return { ...previous, [match[1].toLowerCase()]: { host, port } };
}

/**
 * Loopback ports the `--resolve` entries point at: only those are opened on loopback, so a page
 * cannot redirect the run to another local service.
 */
export function loopbackPortsOf(hostMap: HostMap | undefined): number[] {
  return Object.values(hostMap ?? {})
    .filter(({ host }) => {
      const ip = hostAsIpLiteral(host);
      return ip ? classifyAddress(ip) === 'loopback' : host.toLowerCase() === 'localhost';
    })
    .map(({ port }) => port);
}

/** Appends "(required)" to the help of every mandatory option of `command` and its subcommands. */
export function markRequiredOptions(command: Command): void {
  for (const option of command.options) {
    if (option.mandatory && !/\(required\)$/.test(option.description))
      option.description = `${option.description} (required)`;
  }
  for (const sub of command.commands) markRequiredOptions(sub);
}

/** `--concurrency <n>`: URLs crawled at once (shared by `demo` and `ingest`). */
export function concurrencyOption(): Option {
  return new Option('--concurrency <n>', 'URLs crawled at once')
    .argParser(integerOption('--concurrency', { min: 1 }))
    .default(4);
}

/** A repeatable comma-separated list option (`--hosts a,b --hosts c`). */
export const listOption = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];
