import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, hostAsIpLiteral, parseIpv6 } from '../../functions/fetch/ssrf-guard';

/**
 * Properties of the SSRF guard over random addresses and spellings. The oracle for IPv4 is
 * Node's own BlockList (a separate implementation of prefix matching) loaded with the IANA
 * special-purpose ranges; the guard must agree with it for every address and every spelling.
 */
const INTERNAL_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const oracle = new BlockList();
for (const [net, bits] of INTERNAL_V4) oracle.addSubnet(net, bits, 'ipv4');

/** Addresses biased toward range edges, where off-by-one prefix bugs live. */
const ipv4 = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)),
  fc.tuple(
    fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 198, 203, 223, 224, 239, 240, 255),
    fc.nat(255),
    fc.nat(255),
    fc.nat(255),
  ),
);

/** A spelling of an IPv4 address that WHATWG URL parsing accepts for the same address. */
function spell(bytes: number[], style: number): string {
  const value = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
  switch (style) {
    case 0:
      return bytes.join('.');
    case 1:
      return String(value); // one decimal number
    case 2:
      return `0x${value.toString(16)}`; // one hex number
    case 3:
      return bytes.map((b) => `0${b.toString(8)}`).join('.'); // octal parts
    case 4:
      return bytes.map((b) => `0x${b.toString(16)}`).join('.'); // hex parts
    case 5:
      return `${bytes[0]}.${(bytes[1] << 16) + (bytes[2] << 8) + bytes[3]}`; // a.b (24-bit tail)
    default:
      return `0x${bytes[0].toString(16)}.0${bytes[1].toString(8)}.${(bytes[2] << 8) + bytes[3]}`; // mixed a.b.c
  }
}

describe('ssrf guard properties', () => {
  it('agrees with the BlockList oracle for every IPv4 address in every spelling', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 6 }), (tuple, style) => {
        const bytes = [...tuple];
        const dotted = bytes.join('.');
        const host = hostAsIpLiteral(new URL(`http://${spell(bytes, style)}/`).hostname);
        expect(host).toBe(dotted);
        expect(classifyAddress(host!) !== undefined).toBe(oracle.check(dotted, 'ipv4'));
      }),
      { numRuns: 5_000 },
    );
  });

  it('judges IPv4-mapped, NAT64 and 6to4 IPv6 forms by the embedded IPv4 address', () => {
    fc.assert(
      fc.property(ipv4, (tuple) => {
        const bytes = [...tuple];
        const dotted = bytes.join('.');
        const hex = (hi: number, lo: number) => ((hi << 8) + lo).toString(16);
        const expected = classifyAddress(dotted);
        for (const literal of [
          `[::ffff:${dotted}]`,
          `[::ffff:${hex(bytes[0], bytes[1])}:${hex(bytes[2], bytes[3])}]`,
          `[64:ff9b::${dotted}]`,
          `[2002:${hex(bytes[0], bytes[1])}:${hex(bytes[2], bytes[3])}::1]`,
        ]) {
          const host = hostAsIpLiteral(new URL(`http://${literal}/`).hostname)!;
          expect(classifyAddress(host)).toBe(expected);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('parseIpv6 reads back any address from its full, canonical and dotted-tail forms', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(255), { minLength: 16, maxLength: 16 }), (bytes) => {
        const groups = Array.from({ length: 8 }, (_, i) =>
          ((bytes[2 * i] << 8) + bytes[2 * i + 1]).toString(16),
        );
        const full = groups.join(':');
        const canonical = new URL(`http://[${full}]/`).hostname; // compressed by the URL parser
        const dottedTail = `${groups.slice(0, 6).join(':')}:${bytes.slice(12).join('.')}`;
        for (const form of [full, canonical, dottedTail]) expect(parseIpv6(form)).toEqual(bytes);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never calls a documented internal IPv6 range public, whatever the interface id', () => {
    const prefixes: Array<[string, number]> = [
      ['fc00::', 7],
      ['fe80::', 10],
      ['ff00::', 8],
      ['64:ff9b:1::', 48],
      ['2001:db8::', 32],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.array(fc.nat(255), { minLength: 16, maxLength: 16 }),
        ([prefix, bits], random) => {
          const base = parseIpv6(prefix)!;
          const bytes = random.map((b, i) => {
            const keep = Math.max(0, Math.min(8, bits - 8 * i)); // prefix bits of this byte
            const mask = (0xff << (8 - keep)) & 0xff;
            return (base[i] & mask) | (b & ~mask & 0xff);
          });
          const address = Array.from({ length: 8 }, (_, i) =>
            ((bytes[2 * i] << 8) + bytes[2 * i + 1]).toString(16),
          ).join(':');
          expect(classifyAddress(address)).not.toBeUndefined();
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
