import type { PipelineLog } from '../pipeline/deps';

/**
 * A log for CLI runs: warnings go to stderr as one readable line (the progress bar owns stdout),
 * info only with --verbose.
 */
export function consoleLog(verbose: boolean): PipelineLog {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    `${level} ${message}${
      fields
        ? ' ' +
          Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ')
        : ''
    }`;
  return {
    info: (message, fields) => {
      if (verbose) process.stderr.write(`${line('info', message, fields)}\n`);
    },
    warn: (message, fields) => {
      if (verbose) process.stderr.write(`${line('warn', message, fields)}\n`);
    },
  };
}
