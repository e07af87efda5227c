import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const host = z
  .string()
  .regex(/^[a-z0-9.-]+(:\d+)?$/i)
  .optional();

/**
 * The reprocess queue's messages (see `handlers/reprocess.ts`): `start` fans a day range out into
 * one `slice` per article day; a `slice` reprocesses one day (after `startAfter` when continuing).
 * @example
 * reprocessMessageSchema.parse({ kind: 'start', from: '2026-11-01', to: '2026-11-30' });
 */
export const reprocessMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('start'),
    runId: z.string().min(1).max(100).optional(),
    from: day,
    to: day,
    host,
  }),
  z.object({
    kind: z.literal('slice'),
    runId: z.string().min(1).max(100),
    day,
    host,
    startAfter: z.string().optional(),
  }),
]);
export type ReprocessMessage = z.infer<typeof reprocessMessageSchema>;
