import { isIP } from 'node:net';
import { BlockedUrlError, FetchError } from '../errors';

/**
 * SSRF guard: decides whether a URL may be fetched and whether a resolved address may be
 * connected to. The fetcher calls {@link assertUrlAllowed} before DNS and
 * {@link assertAddressAllowed} on EVERY address DNS returns (and on every redirect hop), then
 * connects to the checked address itself, so a second DNS answer cannot slip in (no TOCTOU).
 *
 * Hostname spellings such as `2130706433`, `0177.0.0.1` or `0x7f.1` are normalised by the
 * WHATWG URL parser to `127.0.0.1` before we see them; IPv6 literals arrive compressed
 * (`[::ffff:7f00:1]`). We parse addresses to bytes ourselves so every spelling of one address
 * gets the same verdict.
 */

/** Who may be connected to beyond the public internet. */
export interface AddressPolicy {
  /**
   * Allow loopback (127.0.0.0/8, ::1): the local demo and tests only. Private, link-local
   * (cloud metadata), CGNAT and every other internal range stay refused even then, so a
   * demo run cannot be turned against the machine's network.
   */
  allowPrivateNetwork: boolean;
  /**
   * When set, loopback is allowed on these ports only (even if `allowPrivateNetwork` is false).
   * Lets the demo or a test expose one local server while still refusing every other local
   * service (databases, admin ports) reachable by a redirect.
   */
  allowedLoopbackPorts?: readonly number[];
}

/** Why an address is refused; `undefined` from {@link classifyAddress} means public. */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'unique-local'
  | 'site-local'
  | 'nat64-local'
  | 'teredo'
  | 'invalid';

interface Range {
  /** Network prefix as bytes (4 for IPv4, 16 for IPv6). */
  bytes: number[];
  prefixBits: number;
  kind: AddressClass;
}

function v4Range(cidr: string, kind: AddressClass): Range {
  const [addr, bits] = cidr.split('/');
  return { bytes: addr.split('.').map(Number), prefixBits: Number(bits), kind };
}

function v6Range(cidr: string, kind: AddressClass): Range {
  const [addr, bits] = cidr.split('/');
  return { bytes: parseIpv6(addr) ?? [], prefixBits: Number(bits), kind };
}

/** IPv4 ranges that are not the public internet (IANA special-purpose registry). */
const BLOCKED_V4: readonly Range[] = [
  v4Range('0.0.0.0/8', 'unspecified'), // "this network"; 0.0.0.0 reaches localhost on Linux
  v4Range('10.0.0.0/8', 'private'),
  v4Range('100.64.0.0/10', 'cgnat'),
  v4Range('127.0.0.0/8', 'loopback'),
  v4Range('169.254.0.0/16', 'link-local'), // includes 169.254.169.254 instance metadata
  v4Range('172.16.0.0/12', 'private'),
  v4Range('192.0.0.0/24', 'reserved'), // IETF protocol assignments (incl. 192.0.0.192 metadata on some clouds)
  v4Range('192.0.2.0/24', 'documentation'),
  v4Range('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  v4Range('192.168.0.0/16', 'private'),
  v4Range('198.18.0.0/15', 'reserved'), // benchmarking
  v4Range('198.51.100.0/24', 'documentation'),
  v4Range('203.0.113.0/24', 'documentation'),
  v4Range('224.0.0.0/4', 'multicast'),
  v4Range('240.0.0.0/4', 'reserved'), // includes 255.255.255.255 broadcast
];

/**
 * IPv6 ranges refused outright. Ranges that embed an IPv4 address (mapped, compatible, NAT64,
 * 6to4) are not here: their embedded address is extracted and judged by the IPv4 table.
 */
const BLOCKED_V6: readonly Range[] = [
  v6Range('::1/128', 'loopback'),
  v6Range('::/128', 'unspecified'),
  v6Range('64:ff9b:1::/48', 'nat64-local'), // local-use NAT64: may translate to anything inside
  v6Range('100::/64', 'reserved'), // discard-only
  v6Range('2001::/32', 'teredo'), // tunnels with an obfuscated IPv4 inside
  v6Range('2001::/23', 'reserved'), // IETF protocol assignments
  v6Range('2001:db8::/32', 'documentation'),
  v6Range('fc00::/7', 'unique-local'),
  v6Range('fe80::/10', 'link-local'),
  v6Range('fec0::/10', 'site-local'), // deprecated, still routed inside some networks
  v6Range('ff00::/8', 'multicast'),
];

function matches(bytes: readonly number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.prefixBits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

/** Parses a dotted-quad IPv4 address (already normalised by the URL parser or DNS) to bytes. */
function parseIpv4(address: string): number[] | undefined {
  if (isIP(address) !== 4) return undefined;
  return address.split('.').map(Number);
}

/** Parses an IPv6 address (with optional `::` and trailing dotted quad) to 16 bytes. */
export function parseIpv6(input: string): number[] | undefined {
  const address = input.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, zone id
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (!v4) return undefined;
    tail.push(...v4);
    text = `${text.slice(0, lastColon + 1)}0:0`; // placeholder groups, replaced below
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups =
    rest === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...restGroups];
  if (groups.length !== 8) return undefined;
  const bytes: number[] = [];
  for (const g of groups) {
    const value = parseInt(g, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that route to an
 * IPv4 host: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated), NAT64
 * well-known prefix (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
 */
function embeddedIpv4(bytes: readonly number[]): number[] | undefined {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) return bytes.slice(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) {
    return bytes.slice(12);
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return undefined;
}

/**
 * Classifies an IP address literal. Returns `undefined` for a public address.
 * @example
 * classifyAddress('169.254.169.254'); // 'link-local'
 * classifyAddress('::ffff:7f00:1');   // 'loopback'
 * classifyAddress('93.184.215.14');   // undefined
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const v4 = parseIpv4(address);
  if (v4) return BLOCKED_V4.find((r) => matches(v4, r))?.kind;
  const v6 = parseIpv6(address);
  if (!v6) return 'invalid';
  const inner = embeddedIpv4(v6);
  if (inner) return BLOCKED_V4.find((r) => matches(inner, r))?.kind;
  return BLOCKED_V6.find((r) => matches(v6, r))?.kind;
}

/**
 * Throws {@link BlockedUrlError} unless `address` (an IP literal we are about to connect to)
 * is public, or is loopback and the policy allows loopback (on this port).
 */
export function assertAddressAllowed(
  url: string,
  address: string,
  port: number,
  policy: AddressPolicy,
): void {
  const kind = classifyAddress(address);
  if (kind === undefined) return;
  if (kind === 'loopback') {
    if (policy.allowPrivateNetwork) return;
    if (policy.allowedLoopbackPorts?.includes(port)) return;
  }
  throw new BlockedUrlError(url, `refusing to connect to ${kind} address ${address}:${port}`);
}

/** Schemes we fetch. Everything else (file:, ftp:, gopher:, data:, javascript:) is refused. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/**
 * Parses and checks a URL before any DNS lookup: http(s) only, no credentials, and if the host
 * is an IP literal (in any spelling the URL parser accepts) it must pass the address check.
 * @throws FetchError `invalid-url` / `unsupported-scheme`, or BlockedUrlError.
 */
export function assertUrlAllowed(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new FetchError(url, 'invalid-url', 'not a valid absolute URL', { cause, retryable: false });
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) {
    throw new FetchError(url, 'unsupported-scheme', `scheme ${parsed.protocol} is not fetched`, {
      retryable: false,
    });
  }
  if (parsed.username || parsed.password) {
    // Credentials in URLs leak into logs and archives, and are a classic SSRF smuggling trick.
    throw new BlockedUrlError(url, 'URLs with credentials are not fetched');
  }
  return parsed;
}

/** The URL's host as an IP literal without brackets, or `undefined` when it is a name. */
export function hostAsIpLiteral(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) ? bare : undefined;
}

/** Default port for a URL whose port is empty. */
export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
