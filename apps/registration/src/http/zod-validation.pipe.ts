import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** One line per problem: `name: Too big: expected string to have <=100 characters`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.join(', ')}`;
    return `${where}: ${issue.message}`;
  });
}

/**
 * Validates a body, query or parameter against a zod schema (use `z.strictObject` so unknown fields are
 * refused) and hands the parsed value on; anything invalid is a 400 naming each problem.
 */
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  constructor(
    private readonly schema: Schema,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.output<Schema> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) {
      throw new BadRequestException({
        statusCode: 400,
        message: `invalid ${this.what}`,
        errors: describeIssues(result.error),
      });
    }
    return result.data;
  }
}
