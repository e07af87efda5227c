/**
 * The WARC reader on files the tests write themselves: WARC/1.0 and 1.1, plain and record-gzipped,
 * revisits and other record types, a truncated file, a corrupt gzip member and garbage between
 * records (each reported with its offset while the rest of the file is still read), resuming from
 * an offset, pointers read back with readAt, and the same files read from S3 (s3rver) and over
 * http(s) with Range requests (a loopback server).
 */
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveByteSource } from '../../../functions/adapters/warc/byte-source';
import { WarcioRecordSource } from '../../../functions/adapters/warc/warcio-record-source';
import type { ArchiveReadEvent, ArchiveRecord } from '../../../functions/ports/archive-record-source';
import {
  requestRecord,
  responseRecord,
  revisitRecord,
  warcinfoRecord,
  writeWarcFile,
  type WarcVersion,
} from '../../../scripts/lib/warc-writer';
import { startS3Server, type S3Server } from '../../helpers/s3-server';

const DATE = '2026-11-03T10:20:30.000Z';

function page(n: number): string {
  return `<!doctype html><html lang="en"><head><title>Story ${n}</title></head><body><article><p>Paragraph ${n} of a story that is long enough to be an article body.</p></article></body></html>`;
}

/** warcinfo, a request, three responses (one chunked+gzipped), a revisit, a 404. */
function sampleRecords(version: WarcVersion): Buffer[] {
  const gz = gzipSync(Buffer.from(page(3)));
  const chunked = Buffer.concat([
    Buffer.from(`${gz.length.toString(16)}\r\n`),
    gz,
    Buffer.from('\r\n0\r\n\r\n'),
  ]);
  return [
    warcinfoRecord('sample.warc', version),
    requestRecord('https://news.example/a/1', DATE, version),
    responseRecord({ url: 'https://news.example/a/1', date: DATE, body: page(1), version }),
    responseRecord({ url: 'https://news.example/a/2', date: DATE, body: page(2), version }),
    responseRecord({
      url: 'https://news.example/a/3',
      date: DATE,
      headers: { 'Content-Type': 'text/html', 'Transfer-Encoding': 'chunked', 'Content-Encoding': 'gzip' },
      body: chunked,
      version,
    }),
    revisitRecord('https://news.example/a/1', DATE, version),
    responseRecord({ url: 'https://news.example/missing', date: DATE, status: 404, body: 'gone', version }),
  ];
}

async function collect(source: AsyncIterable<ArchiveReadEvent>): Promise<ArchiveReadEvent[]> {
  const out: ArchiveReadEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

const records = (events: ArchiveReadEvent[]): ArchiveRecord[] =>
  events.flatMap((e) => (e.kind === 'record' ? [e.record] : []));
const text = (r: ArchiveRecord) => Buffer.from(r.http?.body ?? []).toString();

describe('WarcioRecordSource', () => {
  let dir: string;
  const source = new WarcioRecordSource();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warc-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const version of ['1.0', '1.1'] as const) {
    for (const gzip of [false, true]) {
      it(`reads WARC/${version} ${gzip ? 'record-gzipped' : 'plain'} with offsets that readAt follows`, async () => {
        const path = join(dir, `sample-${version}.warc${gzip ? '.gz' : ''}`);
        const written = await writeWarcFile(path, sampleRecords(version), gzip);
        const events = await collect(source.read(path));
        expect(events.every((e) => e.kind === 'record')).toBe(true);
        const read = records(events);
        expect(read.map((r) => r.type)).toEqual([
          'warcinfo',
          'request',
          'response',
          'response',
          'response',
          'revisit',
          'response',
        ]);
        expect(read.every((r) => r.warcVersion === `WARC/${version}`)).toBe(true);
        expect(read.map((r) => r.offset)).toEqual(written.map((w) => w.offset));
        // A gzip member's length is exact; a plain record's runs to the next record's start.
        expect(read.map((r) => r.length)).toEqual(written.map((w) => w.length));
        expect(read[2].targetUri).toBe('https://news.example/a/1');
        expect(new Date(read[2].date!).toISOString()).toBe(
          version === '1.0' ? '2026-11-03T10:20:30.000Z' : DATE,
        );
        expect(read[2].http?.status).toBe(200);
        expect(text(read[2])).toBe(page(1));
        // Chunked transfer coding and gzip content coding are undone.
        expect(text(read[4])).toBe(page(3));
        expect(read[6].http?.status).toBe(404);
        expect(read[0].http).toBeUndefined();
        for (const r of read.filter((x) => x.type === 'response')) {
          const again = await source.readAt(path, r.offset, r.length);
          expect(text(again)).toBe(text(r));
          expect(again.targetUri).toBe(r.targetUri);
        }
      });
    }
  }

  it('resumes from a record offset', async () => {
    const path = join(dir, 'resume.warc.gz');
    const written = await writeWarcFile(path, sampleRecords('1.1'), true);
    const read = records(await collect(source.read(path, { fromOffset: written[3].offset })));
    expect(read.map((r) => r.offset)).toEqual(written.slice(3).map((w) => w.offset));
    expect(read[0].targetUri).toBe('https://news.example/a/2');
  });

  for (const gzip of [false, true]) {
    it(`reports a truncated ${gzip ? 'gzipped' : 'plain'} file's last record with its offset`, async () => {
      const path = join(dir, `truncated.warc${gzip ? '.gz' : ''}`);
      const written = await writeWarcFile(path, sampleRecords('1.1').slice(2, 5), gzip);
      const whole = await readFile(path);
      const cut = written[2].offset + Math.floor(written[2].length / 2);
      await writeFile(path, whole.subarray(0, cut));
      const events = await collect(source.read(path));
      expect(records(events).map((r) => r.targetUri)).toEqual([
        'https://news.example/a/1',
        'https://news.example/a/2',
      ]);
      const damaged = events.filter((e) => e.kind === 'damaged');
      expect(damaged).toHaveLength(1);
      expect(damaged[0]).toMatchObject({ kind: 'damaged', offset: written[2].offset });
    });
  }

  it('reports a corrupt gzip member and reads the records after it', async () => {
    const path = join(dir, 'corrupt.warc.gz');
    const written = await writeWarcFile(path, sampleRecords('1.1').slice(2, 5), true);
    const bytes = await readFile(path);
    // Inside the second member's deflate stream, past its 10-byte gzip header.
    for (let i = 20; i < 40; i++) bytes[written[1].offset + i] ^= 0x5a;
    await writeFile(path, bytes);
    const events = await collect(source.read(path));
    expect(events.map((e) => e.kind)).toEqual(['record', 'damaged', 'record']);
    expect(events[1]).toMatchObject({ offset: written[1].offset });
    expect(records(events).map((r) => r.targetUri)).toEqual([
      'https://news.example/a/1',
      'https://news.example/a/3',
    ]);
    expect(text(records(events)[1])).toBe(page(3));
  });

  it('reports garbage between plain records and reads on', async () => {
    const path = join(dir, 'garbage.warc');
    const recs = sampleRecords('1.0').slice(2, 4);
    const garbage = Buffer.from('this is not a WARC header\r\nnor is this\r\n\r\n');
    await writeFile(path, Buffer.concat([recs[0], garbage, recs[1]]));
    const events = await collect(source.read(path));
    expect(events.map((e) => e.kind)).toEqual(['record', 'damaged', 'record']);
    expect(events[1]).toMatchObject({ offset: recs[0].length });
    expect(records(events)[1].offset).toBe(recs[0].length + garbage.length);
    expect(text(records(events)[1])).toBe(page(2));
  });

  it('skips a record above the size limit unread', async () => {
    const path = join(dir, 'big.warc.gz');
    const big = responseRecord({ url: 'https://news.example/big', date: DATE, body: 'x'.repeat(5000) });
    const small = responseRecord({ url: 'https://news.example/small', date: DATE, body: page(9) });
    const written = await writeWarcFile(path, [big, small], true);
    const events = await collect(new WarcioRecordSource({ maxRecordBytes: 2000 }).read(path));
    expect(events[0]).toEqual({
      kind: 'oversized',
      offset: 0,
      length: written[0].length,
      targetUri: 'https://news.example/big',
    });
    expect(events[1].kind === 'record' && events[1].record.targetUri).toBe('https://news.example/small');
  });

  it('names the file when it does not exist', async () => {
    await expect(collect(source.read(join(dir, 'nope.warc.gz')))).rejects.toThrow(
      /nope\.warc\.gz: cannot read \(no such file\)/,
    );
  });

  describe('remote sources', () => {
    let s3: S3Server;
    let server: http.Server;
    let port = 0;
    let rangeRequests = 0;
    let archive: Buffer;
    let written: { offset: number; length: number }[];

    beforeAll(async () => {
      const path = join(dir, 'remote.warc.gz');
      written = await writeWarcFile(path, sampleRecords('1.1'), true);
      archive = await readFile(path);
      s3 = await startS3Server('warc-bucket');
      await s3.client.send(
        new PutObjectCommand({ Bucket: 'warc-bucket', Key: 'crawl/remote.warc.gz', Body: archive }),
      );
      server = http.createServer((req, res) => {
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        if (req.url !== '/remote.warc.gz') {
          res.writeHead(404).end();
          return;
        }
        if (range) {
          rangeRequests++;
          const start = Number(range[1]);
          const end = range[2] ? Number(range[2]) : archive.length - 1;
          res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${archive.length}` });
          res.end(archive.subarray(start, end + 1));
        } else res.writeHead(200).end(archive);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    }, 30_000);
    afterAll(async () => {
      await s3?.stop();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('streams an S3 object and reads a record back with a ranged GET', async () => {
      const remote = new WarcioRecordSource({ bytes: new ArchiveByteSource({ s3Client: s3.client }) });
      const location = 's3://warc-bucket/crawl/remote.warc.gz';
      const read = records(await collect(remote.read(location)));
      expect(read.map((r) => r.offset)).toEqual(written.map((w) => w.offset));
      const fromMiddle = records(await collect(remote.read(location, { fromOffset: written[4].offset })));
      expect(fromMiddle[0].targetUri).toBe('https://news.example/a/3');
      expect(text(await remote.readAt(location, written[3].offset, written[3].length))).toBe(page(2));
      await expect(collect(remote.read('s3://warc-bucket/missing.warc.gz'))).rejects.toThrow(
        /no such object/,
      );
    });

    it('streams an http URL and reads a record back with a Range request', async () => {
      const location = `http://127.0.0.1:${port}/remote.warc.gz`;
      const read = records(await collect(source.read(location)));
      expect(read).toHaveLength(written.length);
      const before = rangeRequests;
      expect(text(await source.readAt(location, written[2].offset, written[2].length))).toBe(page(1));
      expect(rangeRequests).toBe(before + 1);
      await expect(collect(source.read(`http://127.0.0.1:${port}/nope.warc.gz`))).rejects.toThrow(/HTTP 404/);
    });
  });
});
