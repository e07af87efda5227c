/**
 * Where a reprocess run records the last article key it finished, so a killed run continues after
 * it. `runKey` names the run (its filter, or a Lambda slice); keys are visited in lexicographic
 * order, so the last one done is a complete checkpoint. Implementations: a JSON file locally, an
 * item of the pipeline table on AWS, a map in tests.
 */
export interface ReprocessCheckpointStore {
  /** The last key done by an unfinished run, or `undefined` when there is none. */
  load(runKey: string): Promise<string | undefined>;
  /** Records `lastKey` as done (replaces the previous checkpoint of the run). */
  save(runKey: string, lastKey: string): Promise<void>;
  /** Called when a run completes: the next run starts from the beginning. */
  clear(runKey: string): Promise<void>;
}
