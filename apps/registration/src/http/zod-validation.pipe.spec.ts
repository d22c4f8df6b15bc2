import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(z.strictObject({ name: z.string().min(1, 'must not be empty') }), 'body');

  const reasons = (value: unknown): unknown => {
    try {
      pipe.transform(value);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse();
    }
    throw new Error('expected a 400');
  };

  it('hands on the parsed value', () => {
    expect(pipe.transform({ name: 'x' })).toEqual({ name: 'x' });
  });

  it('answers 400 naming every problem, unknown fields included', () => {
    expect(reasons({ name: '', extra: 1, other: 2 })).toEqual({
      statusCode: 400,
      message: 'invalid body',
      errors: ['name: must not be empty', 'body: unknown field(s) extra, other'],
    });
  });

  it('treats a missing body as an empty object, and refuses non-objects', () => {
    expect(reasons(undefined)).toMatchObject({ errors: [expect.stringMatching(/^name: /)] });
    expect(reasons(['name'])).toMatchObject({ errors: [expect.stringMatching(/^body: /)] });
  });
});
