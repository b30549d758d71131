import { z } from 'zod';

export const writeBody = z.object({ data: z.record(z.string(), z.unknown()) });
export const bulkBody = z.strictObject({
  documentIds: z.array(z.string().min(1).max(255)).min(1).max(100),
});
