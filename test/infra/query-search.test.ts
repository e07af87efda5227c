import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthPipeline } from './synth';

/** The query function's `/search` on AWS: an Athena query in the stack's workgroup (docs/query.md). */
describe('query function: full-text search through Athena', () => {
  let template: Template;
  let queryFunction: { Properties: { Environment: { Variables: Record<string, unknown> }; Role: unknown } };

  beforeAll(() => {
    template = synthPipeline().template;
    queryFunction = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Handler: Match.anyValue(), Description: Match.stringLikeRegexp('^Answers article') },
      }),
    )[0] as typeof queryFunction;
  });

  it('is told the workgroup and the Glue database', () => {
    expect(queryFunction.Properties.Environment.Variables).toMatchObject({
      ATHENA_WORKGROUP: 'news-pipeline-dev',
      ATHENA_DATABASE: 'news_pipeline_dev',
    });
  });

  it('may run queries in that workgroup only, read only the catalog entries it queries, and write results under athena-results/', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('athena:StartQueryExecution'))
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
            .Statement,
      );
    const athena = statements.find((s) => JSON.stringify(s).includes('athena:StartQueryExecution')) as {
      Action: string[];
      Resource: unknown;
    };
    expect(athena.Action.sort()).toEqual(
      [
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
      ].sort(),
    );
    expect(JSON.stringify(athena.Resource)).toContain(':workgroup/news-pipeline-dev');
    const glue = statements.find((s) => JSON.stringify(s).includes('glue:GetTable')) as {
      Resource: unknown[];
    };
    const resources = JSON.stringify(glue.Resource);
    expect(resources).toContain(':table/news_pipeline_dev/clean_articles');
    expect(resources).toContain(':table/news_pipeline_dev/clean_latest');
    expect(resources).not.toContain('*');
    expect(JSON.stringify(statements)).toContain('/athena-results/*');
  });
});
