import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqsCrawlQueue, toDelaySeconds } from '../../../functions/adapters/sqs/sqs-crawl-queue';
import { StorageError } from '../../../functions/errors';
import type { CrawlMessage } from '../../../functions/ports/crawl-queue';

/**
 * A loopback server speaking SQS's JSON protocol for SendMessageBatch (the only call the adapter
 * makes), so the real SDK client serialises, signs and checks MD5s as against AWS. No SQS emulator
 * ships with the project's dependencies.
 */
interface Entry {
  Id: string;
  MessageBody: string;
  DelaySeconds?: number;
}
let server: Server;
let endpoint: string;
const batches: Entry[][] = [];
/** Entry ids to fail (once each) with a server-side fault, or with a sender fault. */
const failOnce = new Set<string>();
const senderFault = new Set<string>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    if (req.headers['x-amz-target'] !== 'AmazonSQS.SendMessageBatch') {
      res.writeHead(400).end();
      return;
    }
    const input = JSON.parse(body) as { QueueUrl: string; Entries: Entry[] };
    batches.push(input.Entries);
    const Successful: object[] = [];
    const Failed: object[] = [];
    for (const entry of input.Entries) {
      const bodyKey = (JSON.parse(entry.MessageBody) as CrawlMessage).urlKey;
      if (senderFault.has(bodyKey)) {
        Failed.push({ Id: entry.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' });
      } else if (failOnce.delete(bodyKey)) {
        Failed.push({ Id: entry.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' });
      } else {
        Successful.push({
          Id: entry.Id,
          MessageId: `m-${bodyKey}`,
          MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex'),
        });
      }
    }
    res
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify({ Successful, Failed }));
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  batches.length = 0;
  failOnce.clear();
  senderFault.clear();
});

function makeQueue(): { queue: SqsCrawlQueue; client: SQSClient } {
  const client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return { queue: new SqsCrawlQueue({ queueUrl: `${endpoint}/000000000000/crawl`, client }), client };
}

const message = (n: number): CrawlMessage => ({
  url: `https://a.example/${n}`,
  urlKey: `k${n}`,
  sourceId: 's',
  attempt: 1,
});

describe('SqsCrawlQueue', () => {
  it('sends in batches of at most 10 with the JSON message as body', async () => {
    const { queue, client } = makeQueue();
    const messages = Array.from({ length: 23 }, (_, i) => message(i));
    await queue.send(messages);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    const sent = batches.flat().map((e) => JSON.parse(e.MessageBody) as CrawlMessage);
    expect(sent).toEqual(messages);
    expect(batches.flat().every((e) => (e.DelaySeconds ?? 0) === 0)).toBe(true);
    client.destroy();
  });

  it('turns a delay into DelaySeconds, rounded up and capped at 15 minutes', async () => {
    const { queue, client } = makeQueue();
    await queue.send([message(1)], 1_500);
    await queue.send([message(2)], 3_600_000);
    expect(batches.map((b) => b[0].DelaySeconds)).toEqual([2, 900]);
    expect([toDelaySeconds(undefined), toDelaySeconds(0), toDelaySeconds(-5), toDelaySeconds(1)]).toEqual([
      0, 0, 0, 1,
    ]);
    client.destroy();
  });

  it('gives each message its own delay when a list of delays is passed', async () => {
    const { queue, client } = makeQueue();
    await queue.send([message(1), message(2), message(3)], [0, 450_000, 899_500]);
    expect(batches).toHaveLength(1);
    expect(batches[0].map((e) => e.DelaySeconds)).toEqual([0, 450, 900]);
    client.destroy();
  });

  it('retries only the entries SQS failed on its side', async () => {
    const { queue, client } = makeQueue();
    failOnce.add('k3');
    await queue.send([message(1), message(2), message(3)]);
    expect(batches.map((b) => b.map((e) => (JSON.parse(e.MessageBody) as CrawlMessage).urlKey))).toEqual([
      ['k1', 'k2', 'k3'],
      ['k3'],
    ]);
    client.destroy();
  });

  it('fails at once, not retryable, on a sender fault', async () => {
    const { queue, client } = makeQueue();
    senderFault.add('k2');
    const error = await queue.send([message(1), message(2)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).retryable).toBe(false);
    expect(batches).toHaveLength(1);
    client.destroy();
  });

  it('sends nothing for an empty list', async () => {
    const { queue, client } = makeQueue();
    await queue.send([]);
    expect(batches).toHaveLength(0);
    client.destroy();
  });
});
