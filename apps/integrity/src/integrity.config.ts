import { databaseServiceShape } from '@tessera/config';
import { z } from 'zod';

export const integrityConfigSchema = z.object({
  ...databaseServiceShape(3002, 'integrity'),
});

export type IntegrityConfig = z.output<typeof integrityConfigSchema>;
