import type { ArticleRecord } from '../../core/article';
import { placeholderCodec } from './placeholder-text';

/*
 * The JSON part of a packed article item (see `article-item-packing.ts` for the whole layout):
 * one slot per record field, each storing its value in a shape that compresses well and comes
 * back exactly (URLs with the record's id, host and day as placeholders, times relative to
 * fetchedAt, a raw bundle key as its time and id). Stored items refer to slots by position:
 * append new slots only.
 */

/** The values of the record that URLs and keys repeat. */
export interface PackTokens {
  id: string;
  host: string;
  day: string;
}

/*
 * Placeholders inside the JSON part: private-use characters, which JSON leaves as they are (the
 * control characters the top-level attributes use would cost six bytes each as JSON escapes).
 */
const URL_PLACEHOLDERS = placeholderCodec({ id: '\ue000', host: '\ue001', day: '\ue002' });

/** A URL with placeholders, or `[url]` as it is when it already holds a placeholder character. */
function packUrl(text: string, tokens: PackTokens): string | [string] {
  return URL_PLACEHOLDERS.pack(text, tokens) ?? [text];
}

function unpackUrl(value: Json, tokens: PackTokens): string {
  if (Array.isArray(value)) return String(value[0]);
  return URL_PLACEHOLDERS.unpack(String(value), tokens);
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What slots encode against: the tokens, the fetch time the other times are relative to, and copyOf's id. */
export interface SlotContext {
  tokens: PackTokens;
  baseMs: number;
  copyOfId: string | undefined;
  /** The record's url (canonicalUrl is stored as 0 when the same). */
  url: unknown;
}

export interface Slot {
  field: string;
  /** The stored shape, or undefined when the value does not fit the slot (it goes to the extras). */
  encode(value: unknown, context: SlotContext): Json | undefined;
  decode(stored: Json, context: SlotContext): unknown;
}

export const isString = (value: unknown): value is string => typeof value === 'string';

const textSlot = (field: string): Slot => ({
  field,
  encode: (value) => (isString(value) ? value : undefined),
  decode: (stored) => stored,
});

const textListSlot = (field: string): Slot => ({
  field,
  encode: (value) => (Array.isArray(value) && value.every(isString) ? value : undefined),
  decode: (stored) => stored,
});

const numberSlot = (field: string): Slot => ({
  field,
  encode: (value) =>
    typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0) ? value : undefined,
  decode: (stored) => stored,
});

const urlSlot = (field: string): Slot => ({
  field,
  encode: (value, { tokens }) => (isString(value) ? packUrl(value, tokens) : undefined),
  decode: (stored, { tokens }) => unpackUrl(stored, tokens),
});

const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** fetchedAt: epoch milliseconds when `toISOString()` gives the text back, else the text. */
const fetchedAtSlot: Slot = {
  field: 'fetchedAt',
  encode: (value) => {
    if (!isString(value)) return undefined;
    if (!ISO_MILLIS.test(value)) return value;
    const ms = Date.parse(value);
    return Number.isFinite(ms) && new Date(ms).toISOString() === value ? ms : value;
  },
  decode: (stored) => decodeFetchedAt(stored),
};

/** fetchedAt as the record has it, from its slot. */
export const decodeFetchedAt = (stored: Json) =>
  typeof stored === 'number' ? new Date(stored).toISOString() : stored;

/** The time other times are stored relative to: fetchedAt, or the epoch when it is not a time. */
export function baseMsOf(fetchedAt: unknown): number {
  const ms = isString(fetchedAt) ? Date.parse(fetchedAt) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}

const WALL_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\D[\s\S]*)?$/;
const RELATIVE_TIME = /^(-?\d+)(\D[\s\S]*)$/;

/**
 * publishedAt / modifiedAt: the wall-clock part as seconds from fetchedAt (a number, or a string
 * of those seconds then the rest: fraction, offset), so `2026-11-24T09:30:00+01:00` fetched at
 * 10:15:31 becomes `"-1531+01:00"`. Text that would not come back the same is a one-element list.
 */
const relativeTimeSlot = (field: string): Slot => ({
  field,
  encode: (value, context) => {
    if (!isString(value)) return undefined;
    const match = WALL_TIME.exec(value);
    if (match) {
      const wallMs = Date.parse(`${match[1]}Z`);
      if (Number.isFinite(wallMs)) {
        const seconds = Math.round(wallMs / 1000) - Math.floor(context.baseMs / 1000);
        const stored = match[2] === undefined ? seconds : `${seconds}${match[2]}`;
        if (decodesTo(stored, context, value)) return stored;
      }
    }
    return [value];
  },
  decode: (stored, context) => decodeRelativeTime(stored, context),
});

function decodesTo(stored: Json, context: SlotContext, value: string): boolean {
  try {
    return decodeRelativeTime(stored, context) === value;
  } catch {
    return false; // out of the range of Date
  }
}

function decodeRelativeTime(stored: Json, context: SlotContext): string {
  if (Array.isArray(stored)) return String(stored[0]);
  const base = Math.floor(context.baseMs / 1000);
  if (typeof stored === 'number') return wallText(base + stored);
  const match = RELATIVE_TIME.exec(String(stored));
  if (!match) return String(stored);
  return wallText(base + Number(match[1])) + match[2];
}

const wallText = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19);

/** `raw/dt=<day>/bundle-<stamp>-<id>.gz`, the raw bundle key of `archive-format/keys.ts` (stored items keep this shape). */
const RAW_BUNDLE_KEY =
  /^raw\/dt=\d{4}-\d\d-\d\d\/bundle-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z-([0-9a-f]+)\.gz$/;

function rawBundleKeyAt(writtenAtMs: number, bundleId: string): string {
  const stamp = new Date(writtenAtMs).toISOString();
  return `raw/dt=${stamp.slice(0, 10)}/bundle-${stamp.replace(/[:.]/g, '-')}-${bundleId}.gz`;
}

/** rawKey: a raw bundle key as [milliseconds from fetchedAt, bundle id]; another key as a URL. */
const rawKeySlot: Slot = {
  field: 'rawKey',
  encode: (value, context) => {
    if (!isString(value)) return undefined;
    const match = RAW_BUNDLE_KEY.exec(value);
    if (match) {
      const writtenAtMs = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
      if (Number.isFinite(writtenAtMs) && rawBundleKeyAt(writtenAtMs, match[6]) === value)
        return [writtenAtMs - context.baseMs, match[6]];
    }
    return packUrl(value, context.tokens);
  },
  decode: (stored, context) => {
    if (Array.isArray(stored) && stored.length === 2)
      return rawBundleKeyAt(context.baseMs + Number(stored[0]), String(stored[1]));
    return unpackUrl(stored, context.tokens);
  },
};

/**
 * Content-Type headers most pages come with, stored as their index (~7 bytes less than the
 * compressed text). Stored items refer to these by position: only append.
 */
const COMMON_CONTENT_TYPES: readonly string[] = [
  'text/html; charset=utf-8',
  'text/html; charset=UTF-8',
  'text/html',
  'text/html;charset=UTF-8',
  'text/html;charset=utf-8',
];

const COPY_LINK_FIELDS = ['articleId', 'url', 'host', 'overlap', 'method'] as const;
const COPY_METHODS: readonly string[] = ['exact', 'near-duplicate'];

/** The record's stats fields, in the order both stored layouts keep them as a list. */
export const STATS_FIELDS = [
  'repeatedParagraphsRemoved',
  'boilerplateParagraphsRemoved',
  'paragraphsFirstSeenElsewhere',
] as const satisfies readonly (keyof ArticleRecord['stats'])[];
/** A 128-bit hash as records hold it (lower-case hex), stored as its 16 bytes. */
export const HEX128 = /^[0-9a-f]{32}$/;
export const HEX128_BYTES = 16;

export const SLOTS: readonly Slot[] = [
  // Texts first and URLs together: later ones often repeat words and paths of earlier ones.
  textSlot('title'),
  textSlot('description'),
  textSlot('siteName'),
  textSlot('section'),
  textListSlot('authors'),
  urlSlot('url'),
  {
    field: 'canonicalUrl',
    // 0: the same as url (most pages).
    encode: (value, context) =>
      isString(value) ? (value === context.url ? 0 : packUrl(value, context.tokens)) : undefined,
    decode: (stored, context) => (stored === 0 ? context.url : unpackUrl(stored, context.tokens)),
  },
  urlSlot('image'),
  textSlot('language'),
  {
    field: 'pageKind',
    encode: (value) => (value === 'article' ? 0 : isString(value) ? value : undefined),
    decode: (stored) => (stored === 0 ? 'article' : stored),
  },
  fetchedAtSlot,
  relativeTimeSlot('publishedAt'),
  relativeTimeSlot('modifiedAt'),
  rawKeySlot,
  numberSlot('rawOffset'),
  numberSlot('rawLength'),
  {
    field: 'rawContentType',
    encode: (value) => {
      const common = COMMON_CONTENT_TYPES.indexOf(value as string);
      return common >= 0 ? common : isString(value) ? value : undefined;
    },
    decode: (stored) => (typeof stored === 'number' ? COMMON_CONTENT_TYPES[stored] : stored),
  },
  numberSlot('version'),
  numberSlot('paragraphCount'),
  {
    field: 'stats',
    encode: (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      const stats = value as Record<string, unknown>;
      const exact =
        Object.keys(stats).length === STATS_FIELDS.length &&
        STATS_FIELDS.every((f) => typeof stats[f] === 'number' && Number.isFinite(stats[f]));
      return exact ? STATS_FIELDS.map((f) => stats[f] as number) : undefined;
    },
    decode: (stored) => Object.fromEntries(STATS_FIELDS.map((f, i) => [f, (stored as number[])[i]])),
  },
  {
    field: 'copyOf',
    // [articleId, url with the link's host as a placeholder, host, overlap, 0 exact | 1 near-duplicate]
    encode: (value, context) => {
      const link = value as Record<string, unknown>;
      const exact =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(link).length === COPY_LINK_FIELDS.length &&
        isString(link.articleId) &&
        isString(link.url) &&
        isString(link.host) &&
        typeof link.overlap === 'number' &&
        Number.isFinite(link.overlap) &&
        !Object.is(link.overlap, -0) &&
        COPY_METHODS.includes(link.method as string);
      if (!exact) return undefined;
      context.copyOfId = link.articleId as string;
      const tokens = { id: '', host: link.host as string, day: '' };
      return [
        link.articleId as string,
        packUrl(link.url as string, tokens),
        link.host as string,
        link.overlap as number,
        COPY_METHODS.indexOf(link.method as string),
      ];
    },
    decode: (stored, context) => {
      const [articleId, url, host, overlap, method] = stored as [string, Json, string, number, number];
      context.copyOfId = articleId;
      return {
        articleId,
        url: unpackUrl(url, { id: '', host, day: '' }),
        host,
        overlap,
        method: COPY_METHODS[method],
      };
    },
  },
  {
    field: 'clusterId',
    // 0: the article itself, 1: its copyOf's article (the usual two; copyOf's slot comes first).
    encode: (value, context) =>
      value === context.tokens.id
        ? 0
        : value !== undefined && value === context.copyOfId
          ? 1
          : isString(value)
            ? value
            : undefined,
    decode: (stored, context) =>
      stored === 0 ? context.tokens.id : stored === 1 ? context.copyOfId : stored,
  },
  // Set only when the binary section cannot hold them (not hex, not the sketch shape).
  textSlot('contentHash'),
  textListSlot('paragraphHashes'),
  textSlot('minhash'),
];
const SLOT_INDEX = new Map(SLOTS.map((slot, i) => [slot.field, i]));
export const MINHASH_SLOT = SLOT_INDEX.get('minhash')!;
export const CANONICAL_SLOT = SLOT_INDEX.get('canonicalUrl')!;
export const FETCHED_AT_SLOT = SLOT_INDEX.get('fetchedAt')!;
