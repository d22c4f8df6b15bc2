import { databaseServiceShape } from '@tessera/config';
import { z } from 'zod';

export const pinsConfigSchema = z.object({
  ...databaseServiceShape(3004, 'pins'),
});

export type PinsConfig = z.output<typeof pinsConfigSchema>;
