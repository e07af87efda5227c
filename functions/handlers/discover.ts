/** Lambda entry for the discover step. Thin: event -> core -> ports -> result. (Wired up by the pipeline work.) */
export const handler = async (event: unknown): Promise<unknown> => {
  throw new Error('discover handler not wired yet: ' + typeof event);
};
