import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Repository root, found from this file so synth works from any working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Newest Node.js runtime this aws-cdk-lib knows. cdk-nag's Serverless-LambdaLatestVersion
 * compares against the same list, so bumping aws-cdk-lib may ask for the next runtime.
 */
export const PIPELINE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (iconv-lite tables, for one);
 * esbuild's ESM output has no `require`, so every bundle defines one.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __pipelineCreateRequire } from 'node:module'; const require = __pipelineCreateRequire(import.meta.url);";

export interface PipelineFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/handlers/crawl.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** `null` reserves no concurrency. */
  readonly reservedConcurrency: number | null;
  readonly environment: Record<string, string>;
  readonly logRetentionDays: number;
  readonly tracing: boolean;
  /** Powertools service name (log field `service`, metric dimension `service`). */
  readonly serviceName: string;
}

/**
 * A NodejsFunction with the pipeline's defaults: esbuild ESM bundle, arm64, newest Node runtime,
 * its own role (no AWS managed policies) that may only write to its own log group, JSON logs,
 * explicit memory, timeout and concurrency.
 */
export class PipelineFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      // Logs are operational, not the archive: they go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of the default one keeps AWSLambdaBasicExecutionRole (logs:* on every
    // log group) out: the function can write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: PIPELINE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency ?? undefined,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
      // Kept on deliberately: crawl re-enqueues deferred URLs into its own trigger queue, a chain
      // Lambda stops after ~16 hops; the RecursiveInvocationsDropped alarm reports any drop.
      recursiveLoop: lambda.RecursiveLoop.TERMINATE,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.INLINE,
        sourcesContent: false,
        // The Node.js runtime ships AWS SDK v3; leaving it out keeps bundles and cold starts small.
        externalModules: ['@aws-sdk/*'],
        // Bundle with the local esbuild (a devDependency): synth needs no Docker and no network.
        forceDockerBundling: false,
      },
    });

    if (!props.tracing) {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          'X-Ray tracing was switched off for this stage with the `tracing` setting (cost); logs and metrics remain.',
      });
    }
    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; the service requires Resource "*".',
      });
    }
  }
}
