/** Lambda entry for the crawl step. Thin: event -> core -> ports -> result. (Wired up by the pipeline work.) */
export const handler = async (event: unknown): Promise<unknown> => {
  throw new Error('crawl handler not wired yet: ' + typeof event);
};
