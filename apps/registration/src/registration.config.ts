import { databaseServiceShape } from '@tessera/config';
import { z } from 'zod';

export const registrationConfigSchema = z.object({
  ...databaseServiceShape(3001, 'registration'),
});

export type RegistrationConfig = z.output<typeof registrationConfigSchema>;
