/**
 * The article model is defined once (`functions/core/article-schema.ts`); everything else that
 * spells its fields is derived from it or checked against it here: the OpenAPI components, the
 * DynamoDB item layout (every field survives the item), and the clean-copy table's columns
 * (`test/query/athena-layout.test.ts` checks each column against the stored-line schema).
 */
import { describe, expect, it } from 'vitest';
import { toArticle, toArticleItem, type Item } from '../../functions/adapters/dynamodb/dedup-index-items';
import type { ArticleRecord } from '../../functions/core/article';
import {
  articleRecordSchema,
  cleanCopySchema,
  storedCleanCopySchema,
} from '../../functions/core/article-schema';
import { CLEAN_COPY_FIELDS } from '../../functions/core/clean-copy-table';
import { openApiDocument } from '../../functions/query/openapi';

const hex = (c: string) => c.repeat(32);

/** A record with every field of the schema set (checked below, so a new field must be added here). */
const everyField: ArticleRecord = {
  id: hex('a'),
  url: 'https://news.example/story/1',
  canonicalUrl: 'https://news.example/story/1',
  host: 'news.example',
  fetchedAt: '2026-11-24T10:00:00.000Z',
  day: '2026-11-24',
  title: 'Title',
  authors: ['A. Writer'],
  publishedAt: '2026-11-24T09:00:00+01:00',
  modifiedAt: '2026-11-24T09:30:00+01:00',
  language: 'en',
  siteName: 'News',
  section: 'World',
  description: 'What happened',
  image: 'https://news.example/img.jpg',
  pageKind: 'article',
  contentHash: hex('b'),
  version: 2,
  paragraphCount: 3,
  paragraphHashes: [hex('c'), hex('d')],
  cleanKey: 'clean/dt=2026-11-24/bundle-2026-11-24T10-00-00-000Z-0a.jsonl',
  cleanOffset: 10,
  cleanLength: 200,
  rawKey: 'raw/dt=2026-11-24/bundle-2026-11-24T10-00-00-000Z-0b.gz',
  rawOffset: 0,
  rawLength: 900,
  rawContentType: 'text/html; charset=utf-8',
  stats: { repeatedParagraphsRemoved: 1, boilerplateParagraphsRemoved: 2, paragraphsFirstSeenElsewhere: 0 },
  copyOf: {
    articleId: hex('e'),
    url: 'https://wire.example/1',
    host: 'wire.example',
    overlap: 0.9,
    method: 'exact',
    relation: 'original',
  },
  copies: [],
  clusterId: hex('e'),
  originId: hex('e'),
  relation: 'exact',
  declaresCopy: true,
  lead: 'lead-fingerprint',
  minhash: 'bk2n1.7.AAECAwQF',
};

/** What the document client gives back for an item it stored (binary comes back as Uint8Array). */
function stored(item: Item): Item {
  return JSON.parse(JSON.stringify(item), (_key, value) =>
    value && value.type === 'Buffer' && Array.isArray(value.data) ? new Uint8Array(value.data) : value,
  ) as Item;
}

const schemaFields = Object.keys(articleRecordSchema.shape).sort();

describe('the article model (core/article-schema.ts)', () => {
  it('the fixture sets every field of the schema and is valid', () => {
    expect(Object.keys(everyField).sort()).toEqual(schemaFields);
    expect(articleRecordSchema.parse(everyField)).toEqual(everyField);
  });

  it('the DynamoDB article item keeps every field of the record', () => {
    expect(toArticle(stored(toArticleItem(everyField)), [])).toEqual(everyField);
  });

  it('the OpenAPI components are the schema: same fields, same required ones', () => {
    const components = (openApiDocument() as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    for (const [name, schema] of [
      ['ArticleRecord', articleRecordSchema],
      ['CleanCopy', cleanCopySchema],
    ] as const) {
      const component = components[name] as { properties: Record<string, unknown>; required: string[] };
      expect(Object.keys(component.properties).sort(), name).toEqual(Object.keys(schema.shape).sort());
      const required = Object.entries(schema.shape)
        .filter(([, field]) => !field.safeParse(undefined).success)
        .map(([key]) => key)
        .sort();
      expect([...component.required].sort(), name).toEqual(required);
    }
  });

  it('every column of the clean-copy table is a field of the stored line', () => {
    const lineFields = new Set(Object.keys(storedCleanCopySchema.shape));
    expect(CLEAN_COPY_FIELDS.map((f) => f.key).filter((key) => !lineFields.has(key))).toEqual([]);
  });
});
