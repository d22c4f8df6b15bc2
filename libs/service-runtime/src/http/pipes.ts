import type { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

export const body = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, { location: 'body' });
export const query = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, { location: 'query' });
/** `what` names the parameter in errors (`invalid app id`); its name is the one given to `@Param`. */
export const param = <S extends z.ZodType>(schema: S, what: string) =>
  new ZodValidationPipe(schema, { location: 'path', what });
