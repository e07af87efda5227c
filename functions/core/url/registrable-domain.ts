/**
 * A small approximation of the registrable domain ("eTLD+1") without shipping the Public Suffix
 * List: good enough to tell whether a page's declared canonical stays on the publisher's site.
 * Known weak spots: unusual country second levels not listed below are treated as registrable
 * (`example.xx.yy` vs `other.xx.yy` look like one site), which only matters when a site on such
 * a suffix declares a canonical on a different site under the same suffix.
 */

/** Second-level labels that country TLDs use as public suffixes (`co.uk`, `com.au`, `ne.jp`). */
const COUNTRY_SECOND_LEVELS: ReadonlySet<string> = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gob',
  'gov',
  'go',
  'govt',
  'id',
  'info',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nhs',
  'nic',
  'nom',
  'or',
  'org',
  'plc',
  'sch',
  'web',
  'biz',
  'gen',
  'firm',
  'asn',
  'in',
]);

/**
 * Multi-tenant hosting suffixes: every subdomain is a different owner, so sharing the suffix
 * must not make two blogs "the same site" (a copied post declaring the original's canonical
 * would otherwise take the original's id).
 */
const SHARED_HOSTING_SUFFIXES: readonly string[] = [
  'github.io',
  'gitlab.io',
  'blogspot.com',
  'wordpress.com',
  'substack.com',
  'medium.com',
  'tumblr.com',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'web.app',
  'firebaseapp.com',
  'herokuapp.com',
  'appspot.com',
  'cloudfront.net',
  'azurewebsites.net',
  'amazonaws.com',
  'wixsite.com',
  'squarespace.com',
  'ghost.io',
  'typepad.com',
  'livejournal.com',
  'beehiiv.com',
];

/** Whether the host is an IPv4 or (bracketed) IPv6 literal. */
function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** The registrable domain of a lower-case host name (approximation; see the module notes). */
export function registrableDomain(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isIpLiteral(host)) return host;
  for (const suffix of SHARED_HOSTING_SUFFIXES) {
    if (host === suffix) return host;
    if (host.endsWith(`.${suffix}`)) {
      const ownerLabels = host.slice(0, -suffix.length - 1).split('.');
      return `${ownerLabels[ownerLabels.length - 1]}.${suffix}`;
    }
  }
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const tld = labels[labels.length - 1];
  const second = labels[labels.length - 2];
  const keep = tld.length === 2 && COUNTRY_SECOND_LEVELS.has(second) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** Whether two host names belong to the same site (equal registrable domains). */
export function isSameSite(hostA: string, hostB: string): boolean {
  return registrableDomain(hostA) === registrableDomain(hostB);
}
