import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { NewsPipelineStack } from './news-pipeline-stack';
import { resolveSettings } from './settings';

/**
 * CDK entry (`cdk.json`: `npx tsx infra/app.ts`). One stack per stage, chosen with `-c stage=<name>`;
 * settings come from context (see infra/settings.ts and docs/deploy.md). cdk-nag's AwsSolutions and
 * Serverless packs run on every synth: an unacknowledged finding fails the synth.
 */
const app = new App();
const settings = resolveSettings((key) => app.node.tryGetContext(key));

const stack = new NewsPipelineStack(app, `NewsPipeline-${settings.stage}`, {
  settings,
  description: `News scraping and dedup pipeline (${settings.stage})`,
});
Tags.of(stack).add('project', 'news-pipeline');
Tags.of(stack).add('stage', settings.stage);

// writeSuppressionsToCloudFormation copies each acknowledgment (rule id + reason) into the
// template's Metadata, so the deployed stack carries its own audit trail.
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
  new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
);

app.synth();
