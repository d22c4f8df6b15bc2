import type { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

export const body = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'body');
export const query = <S extends z.ZodType>(schema: S) => new ZodValidationPipe(schema, 'query');
export const param = <S extends z.ZodType>(schema: S, what: string) => new ZodValidationPipe(schema, what);
