#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config';
import { describeFailure, PipelineError } from '../errors';
import { markRequiredOptions } from './cli-options';
import { registerDemoCommand } from './commands/demo';
import { registerMigrateCommand } from './commands/migrate';
import { registerQueryCommands } from './commands/query';
import { registerReprocessCommand } from './commands/reprocess';
import { registerExtractCommand } from './commands/extract';
import { registerIngestCommand } from './commands/ingest';
import { registerServeCommand } from './commands/serve';

// On Node 20 the AWS SDK warns that future releases will need Node 22. The lockfile pins today's
// releases (see README), so the warning tells a CLI user nothing they can act on.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (/AWS SDK for JavaScript \(v3\)[\s\S]*node >=22/.test(text)) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** CLI flags override the environment; the one config loader validates both. */
function configFor(opts: {
  dataDir?: string;
  allowLoopback?: boolean;
  allowPrivateNetwork?: boolean;
}): Config {
  if (opts.allowPrivateNetwork)
    process.stderr.write('note: --allow-private-network is now called --allow-loopback (what it allows)\n');
  return loadConfig({
    ...process.env,
    ...(opts.dataDir ? { DATA_DIR: opts.dataDir } : {}),
    ...(opts.allowLoopback || opts.allowPrivateNetwork ? { ALLOW_PRIVATE_NETWORK: 'true' } : {}),
  });
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const program = new Command()
  .name('news-pipeline')
  .description('Fetch, extract, dedup, store and query news articles on one machine.')
  .version(PACKAGE_VERSION, '-V, --version', 'print the version')
  .showHelpAfterError();

registerDemoCommand(program, configFor);
registerIngestCommand(program, configFor);
registerExtractCommand(program);
registerQueryCommands(program, configFor);
registerReprocessCommand(program, configFor);
registerMigrateCommand(program, configFor);

registerServeCommand(program, configFor);

markRequiredOptions(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  // The message only, never a stack: bad input names itself; anything else says it is internal.
  process.stderr.write(`error: ${error instanceof PipelineError ? error.message : describeFailure(error)}\n`);
  process.exitCode = error instanceof PipelineError && error.name === 'ConfigError' ? 2 : 1;
});
