import { databaseServiceShape } from '@tessera/config';
import { z } from 'zod';

export const tokenConfigSchema = z.object({
  ...databaseServiceShape(3003, 'token'),
});

export type TokenConfig = z.output<typeof tokenConfigSchema>;
