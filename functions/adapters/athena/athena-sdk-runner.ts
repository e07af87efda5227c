import { InvalidInputError, StorageError } from '../../errors';
import type { AthenaQueryRunner } from './athena-archive-search';

/** The calls of `@aws-sdk/client-athena` this runner makes, as the SDK's client answers them. */
interface AthenaSdk {
  AthenaClient: new (config: { region: string }) => { send(command: unknown): Promise<unknown> };
  StartQueryExecutionCommand: new (input: {
    QueryString: string;
    WorkGroup: string;
    QueryExecutionContext: { Database: string };
  }) => unknown;
  GetQueryExecutionCommand: new (input: { QueryExecutionId?: string }) => unknown;
  GetQueryResultsCommand: new (input: {
    QueryExecutionId?: string;
    NextToken?: string;
    MaxResults: number;
  }) => unknown;
  StopQueryExecutionCommand: new (input: { QueryExecutionId?: string }) => unknown;
}

interface QueryExecutionOutput {
  QueryExecution?: {
    Status?: { State?: string; StateChangeReason?: string; AthenaError?: { ErrorCategory?: number } };
  };
}
interface QueryResultsOutput {
  ResultSet?: { Rows?: Array<{ Data?: Array<{ VarCharValue?: string }> }> };
  NextToken?: string;
}

/**
 * Loads `@aws-sdk/client-athena`. The query Lambda's bundle leaves `@aws-sdk/*` to the Lambda
 * runtime (which ships the whole SDK v3), and the lockfile pins the package for installs; it is
 * loaded by name so that a checkout whose node_modules predates it still type-checks.
 */
async function loadAthenaSdk(): Promise<AthenaSdk> {
  const name = '@aws-sdk/client-athena';
  return (await import(name)) as AthenaSdk;
}

/** Options of {@link athenaSdkRunner}. */
export interface AthenaSdkRunnerOptions {
  region: string;
  /** The stack's workgroup: it sets the result location, encryption and the bytes-scanned cap. */
  workGroup: string;
  database: string;
  /** Give up (and stop the query) after this long: the query Lambda has 15 s in all. */
  timeoutMs: number;
  /** Wait between status polls. */
  pollMs?: number;
}

/**
 * An {@link AthenaQueryRunner} on the Athena API: StartQueryExecution in the workgroup, poll
 * GetQueryExecution until it succeeds, read GetQueryResults (first row = column names). A query
 * still running at `timeoutMs` is stopped (a retryable StorageError); a query Athena refuses as
 * the user's error is an InvalidInputError, any other failure a StorageError naming its reason.
 *
 * @example
 * const run = athenaSdkRunner({ region: 'eu-west-1', workGroup: 'news-pipeline-dev', database: 'news_pipeline_dev', timeoutMs: 12_000 });
 */
export function athenaSdkRunner(options: AthenaSdkRunnerOptions): AthenaQueryRunner {
  const pollMs = options.pollMs ?? 200;
  let sdk: Promise<{ api: AthenaSdk; client: InstanceType<AthenaSdk['AthenaClient']> }> | undefined;
  return async (sql) => {
    sdk ??= loadAthenaSdk().then((api) => ({
      api,
      client: new api.AthenaClient({ region: options.region }),
    }));
    const { api, client } = await sdk;
    const started = Date.now();
    const { QueryExecutionId: id } = (await client.send(
      new api.StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: options.workGroup,
        QueryExecutionContext: { Database: options.database },
      }),
    )) as { QueryExecutionId?: string };
    for (;;) {
      const { QueryExecution: execution } = (await client.send(
        new api.GetQueryExecutionCommand({ QueryExecutionId: id }),
      )) as QueryExecutionOutput;
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') break;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.StateChangeReason ?? state;
        // Athena's error category 2 is the user's query (as opposed to a system or unknown error).
        if (execution?.Status?.AthenaError?.ErrorCategory === 2)
          throw new InvalidInputError(`search query refused by Athena: ${reason}`);
        throw new StorageError(`Athena search query ${id} ${state.toLowerCase()}: ${reason}`);
      }
      if (Date.now() - started > options.timeoutMs) {
        await client.send(new api.StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new StorageError(
          `Athena search query ${id} took longer than ${options.timeoutMs} ms and was stopped`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    const rows: Array<Record<string, string | null>> = [];
    let names: string[] | undefined;
    let nextToken: string | undefined;
    do {
      const page = (await client.send(
        new api.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken, MaxResults: 1000 }),
      )) as QueryResultsOutput;
      for (const row of page.ResultSet?.Rows ?? []) {
        const values = (row.Data ?? []).map((d) => d.VarCharValue ?? null);
        if (!names) names = values.map((v) => v ?? '');
        else rows.push(Object.fromEntries(names.map((n, i) => [n, values[i] ?? null])));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  };
}
