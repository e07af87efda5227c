import { describe, expect, it } from 'vitest';
import { BlockedUrlError, FetchError } from '../../functions/errors';
import {
  assertAddressAllowed,
  assertUrlAllowed,
  classifyAddress,
  hostAsIpLiteral,
  parseIpv6,
} from '../../functions/fetch/ssrf-guard';

const strict = { allowPrivateNetwork: false };
const demo = { allowPrivateNetwork: true };

/** The verdict the fetcher would reach for a URL whose host is an IP literal. */
function verdict(url: string, policy = strict): 'allowed' | string {
  try {
    const parsed = assertUrlAllowed(url);
    const literal = hostAsIpLiteral(parsed.hostname);
    if (!literal) return 'name';
    assertAddressAllowed(url, literal, 80, policy);
    return 'allowed';
  } catch (error) {
    if (error instanceof BlockedUrlError) return 'blocked';
    if (error instanceof FetchError) return error.reason;
    throw error;
  }
}

describe('ssrf guard: IP spellings the URL parser normalises', () => {
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/', // decimal
    'http://0177.0.0.1/', // octal
    'http://0x7f.1/', // hex, short form
    'http://0x7f000001/',
    'http://127.1/',
    'http://017700000001/',
    'http://%31%32%37.0.0.1/', // percent-encoded
    'http://①②⑦.0.0.1/', // full-width digits (IDNA maps them)
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/', // IPv4-mapped, dotted
    'http://[::ffff:7f00:1]/', // IPv4-mapped, hex
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[64:ff9b::127.0.0.1]/', // NAT64 well-known prefix
    'http://[::127.0.0.1]/', // IPv4-compatible (deprecated)
    'http://[2002:7f00:1::]/', // 6to4 of 127.0.0.1
  ])('refuses loopback spelled %s', (url) => {
    expect(verdict(url)).toBe('blocked');
    expect(verdict(url, demo)).toBe('allowed');
  });

  it.each([
    ['http://10.0.0.1/', 'private'],
    ['http://10.255.255.255/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.254/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://2852039166/', 'link-local'], // 169.254.169.254 in decimal
    ['http://0xa9.0xfe.0xa9.0xfe/', 'link-local'],
    ['http://0251.0376.0251.0376/', 'link-local'],
    ['http://100.64.0.1/', 'cgnat'],
    ['http://100.127.255.255/', 'cgnat'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://0.1.2.3/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://198.18.0.1/', 'reserved'],
    ['http://192.0.0.192/', 'reserved'],
    ['http://192.0.2.1/', 'documentation'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[febf::1]/', 'link-local'],
    ['http://[fc00::1]/', 'unique-local'],
    ['http://[fd12:3456::1]/', 'unique-local'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::]/', 'unspecified'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'], // mapped metadata, hex form
    ['http://[64:ff9b::a9fe:a9fe]/', 'link-local'], // NAT64 of the metadata address
    ['http://[64:ff9b::192.168.1.1]/', 'private'],
    ['http://[64:ff9b:1::1]/', 'nat64-local'],
    ['http://[2002:a9fe:a9fe::1]/', 'link-local'], // 6to4 of the metadata address
    ['http://[2001:db8::1]/', 'documentation'],
    ['http://[2001::1]/', 'teredo'],
    ['http://[fec0::1]/', 'site-local'],
  ])('refuses %s (%s) even in the demo', (url, kind) => {
    const host = hostAsIpLiteral(new URL(url).hostname)!;
    expect(classifyAddress(host)).toBe(kind);
    expect(verdict(url)).toBe('blocked');
    expect(verdict(url, demo)).toBe('blocked');
  });

  it.each([
    'http://93.184.215.14/',
    'http://8.8.8.8/',
    'http://172.15.255.255/', // just outside 172.16/12
    'http://172.32.0.1/',
    'http://100.63.255.255/', // just outside CGNAT
    'http://100.128.0.1/',
    'http://169.253.255.255/',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[64:ff9b::8.8.8.8]/',
  ])('allows public %s', (url) => {
    expect(verdict(url)).toBe('allowed');
  });

  it('leaves names to the DNS check', () => {
    expect(verdict('http://localhost/')).toBe('name');
    expect(verdict('http://127.0.0.1.nip.io/')).toBe('name');
  });
});

describe('ssrf guard: schemes and URL shapes', () => {
  it.each([
    'file:///etc/passwd',
    'ftp://example.com/',
    'gopher://127.0.0.1:70/_',
    'data:text/html,x',
    'javascript:alert(1)',
    'ws://example.com/',
  ])('refuses scheme of %s', (url) => {
    expect(verdict(url)).toBe('unsupported-scheme');
  });

  it('refuses unparseable URLs and credentials', () => {
    expect(verdict('not a url')).toBe('invalid-url');
    expect(verdict('http://user:pass@example.com/')).toBe('blocked');
  });

  it('allowedLoopbackPorts opens loopback on listed ports only', () => {
    const policy = { allowPrivateNetwork: false, allowedLoopbackPorts: [8080] };
    expect(() => assertAddressAllowed('u', '127.0.0.1', 8080, policy)).not.toThrow();
    expect(() => assertAddressAllowed('u', '::1', 8080, policy)).not.toThrow();
    expect(() => assertAddressAllowed('u', '127.0.0.1', 6379, policy)).toThrow(BlockedUrlError);
    expect(() => assertAddressAllowed('u', '10.0.0.1', 8080, policy)).toThrow(BlockedUrlError);
  });
});

describe('parseIpv6', () => {
  it('expands compressed forms and trailing dotted quads', () => {
    expect(parseIpv6('::1')).toEqual([...Array(15).fill(0), 1]);
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([...Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIpv6('[fe80::1%eth0]')?.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIpv6('not-an-ip')).toBeUndefined();
  });
});
