import { z } from 'zod';

export const AppIdParam = z.uuid({ error: 'expected an app id (UUID)' });
