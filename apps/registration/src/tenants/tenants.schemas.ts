import { z } from 'zod';
import { name } from '../http/common-schemas';

export const UpdateTenantBody = z.strictObject({ name: name(200) });
