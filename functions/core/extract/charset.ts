/**
 * Turning fetched bytes into HTML text: BOM, then the HTTP header, then `<meta charset>` /
 * `http-equiv` in the first bytes, then detection; decoding with iconv-lite.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { CHARSET_SNIFF_BYTES } from './constants';

/** Bytes handed to the detector: enough for a confident guess, bounded for speed. */
const DETECTION_SAMPLE_BYTES = 65_536;

/**
 * Labels browsers treat as a superset encoding (WHATWG Encoding Standard): pages labelled
 * latin-1 are in practice windows-1252, and gb2312 pages use GBK characters.
 */
const LABEL_ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  // GB18030 is a superset of GBK and GB2312 (its four-byte forms cover characters GBK lacks).
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  'x-euc-cn': 'gb18030',
  'euc-cn': 'gb18030',
  'iso-8859-9': 'windows-1254',
  'x-sjis': 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'ks_c_5601-1987': 'euc-kr',
  'tis-620': 'windows-874',
  'iso-8859-11': 'windows-874',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
};

/** Canonical, decodable charset name for a label, or undefined when iconv-lite cannot decode it. */
export function canonicalCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const cleaned = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!cleaned) return undefined;
  const name = LABEL_ALIASES[cleaned] ?? cleaned;
  // utf-16 labels in a meta tag are always wrong (the meta itself was readable as ASCII).
  return iconv.encodingExists(name) ? name : undefined;
}

function fromBom(bytes: Uint8Array): { charset: string; skip: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { charset: 'utf-8', skip: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', skip: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', skip: 2 };
  return undefined;
}

/** charset parameter of a Content-Type header value. */
export function charsetFromContentType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /charset\s*=\s*["']?([^"';,\s]+)/i.exec(header);
  return m ? m[1] : undefined;
}

/** `<meta charset=...>` or `<meta http-equiv="Content-Type" content="...charset=...">` in the first bytes. */
export function charsetFromMeta(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(
    bytes.buffer,
    bytes.byteOffset,
    Math.min(bytes.length, CHARSET_SNIFF_BYTES),
  ).toString('latin1');
  const metaTags = head.match(/<meta\b[^>]*>/gi) ?? [];
  for (const tag of metaTags) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s/>;]+)/i.exec(tag);
    if (
      direct &&
      (/\bcharset\s*=/i.test(tag.replace(/content\s*=\s*["'][^"']*["']/i, '')) ||
        /http-equiv\s*=\s*["']?content-type/i.test(tag))
    ) {
      return direct[1];
    }
  }
  return undefined;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Whether the bytes hold a UTF-8 lead byte followed by a continuation byte. */
function hasUtf8MultiByteSequence(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++)
    if (bytes[i] >= 0xc2 && bytes[i] <= 0xf4 && (bytes[i + 1] & 0xc0) === 0x80) return true;
  return false;
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return true;
  return false;
}

/**
 * Decodes fetched page bytes to text.
 *
 * @param bytes - the body as received (already content-decoded, e.g. gunzipped).
 * @param contentTypeHeader - the HTTP Content-Type header, if any.
 * @returns the HTML text and the charset used (lower-case iconv-lite name).
 * @example
 * decodeHtmlBytes(new Uint8Array([0xcf, 0xf0, 0xe8]), 'text/html; charset=windows-1251').html // 'При'
 */
export function decodeHtmlBytes(
  bytes: Uint8Array,
  contentTypeHeader?: string,
): { html: string; charset: string } {
  const bom = fromBom(bytes);
  if (bom)
    return { html: iconv.decode(Buffer.from(bytes.subarray(bom.skip)), bom.charset), charset: bom.charset };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let charset =
    canonicalCharset(charsetFromContentType(contentTypeHeader)) ?? canonicalCharset(charsetFromMeta(bytes));
  if (charset?.startsWith('utf-16')) charset = undefined;
  // A UTF-8 declaration over bytes that are not UTF-8 is a server misconfiguration (a legacy page
  // behind a UTF-8 default header); decoding as declared would store U+FFFD for every accented
  // letter, so the page's own meta charset, then detection, decide instead.
  if (charset === 'utf-8' && hasHighBytes(bytes) && !isValidUtf8(bytes)) {
    const fromMeta = canonicalCharset(charsetFromMeta(bytes));
    charset = fromMeta && fromMeta !== 'utf-8' && !fromMeta.startsWith('utf-16') ? fromMeta : undefined;
  }
  // A legacy declaration over bytes that are valid UTF-8 with multi-byte sequences is a template
  // default left in place ("â€™" in the output): such byte runs are no accident in legacy text.
  if (charset && charset !== 'utf-8' && hasUtf8MultiByteSequence(bytes) && isValidUtf8(bytes))
    charset = 'utf-8';
  if (!charset) {
    if (!hasHighBytes(bytes) || isValidUtf8(bytes)) charset = 'utf-8';
    else
      charset =
        canonicalCharset(chardet.detect(bytes.subarray(0, DETECTION_SAMPLE_BYTES)) ?? undefined) ??
        'windows-1252';
  }
  return { html: iconv.decode(buffer, charset), charset };
}
