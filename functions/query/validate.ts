import { InvalidInputError } from '../errors';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A host name as the index stores it: lower case, no scheme or path. */
export function checkHost(host: string | undefined): string {
  if (!host) throw new InvalidInputError('host is required');
  if (host.length > 253 || !/^[a-z0-9.-]+(:\d{1,5})?$/i.test(host))
    throw new InvalidInputError(`host must be a host name such as example.com, got "${host}"`);
  return host.toLowerCase();
}

/** Checks optional `from`/`to` days (YYYY-MM-DD, real dates, from ≤ to), naming the bad one. */
export function checkDayRange(from: string | undefined, to: string | undefined): void {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value === undefined) continue;
    if (
      !DAY_PATTERN.test(value) ||
      Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
      new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
    ) {
      throw new InvalidInputError(`${name} must be a day as YYYY-MM-DD, got "${value}"`);
    }
  }
  if (from !== undefined && to !== undefined && from > to)
    throw new InvalidInputError(`from (${from}) is after to (${to})`);
}
