import { type ArgumentMetadata, BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * What a pipe validates. The API document (openapi/) reads it, so it never has to guess from strings; a path
 * parameter's name comes from the `@Param('name', pipe)` it sits in, `what` says it in error messages.
 */
export type ValidatedInput = { location: 'body' } | { location: 'query' } | { location: 'path'; what: string };

/**
 * One line per problem: `name: Too big: expected string to have <=100 characters`. A problem with the whole input
 * (an unknown field, a rule across fields) is named after the input: `body`, `query`, or the parameter.
 */
export function describeIssues(error: z.ZodError, whole = 'body'): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : whole;
    if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.join(', ')}`;
    return `${where}: ${issue.message}`;
  });
}

/**
 * Validates a body, query or path parameter against a zod schema (use `z.strictObject` so unknown fields are
 * refused) and hands the parsed value on; anything invalid is a 400 naming each problem.
 */
export class ZodValidationPipe<Schema extends z.ZodType = z.ZodType> implements PipeTransform<
  unknown,
  z.output<Schema>
> {
  constructor(
    readonly schema: Schema,
    readonly input: ValidatedInput,
  ) {}

  transform(value: unknown, metadata?: ArgumentMetadata): z.output<Schema> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) {
      const what = this.input.location === 'path' ? this.input.what : this.input.location;
      const whole = this.input.location === 'path' ? (metadata?.data ?? 'path') : this.input.location;
      throw new BadRequestException({
        statusCode: 400,
        message: `invalid ${what}`,
        errors: describeIssues(result.error, whole),
      });
    }
    return result.data;
  }
}
