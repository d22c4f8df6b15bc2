import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  throw new Error('expected a 400');
}

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(z.strictObject({ name: z.string().min(1, 'must not be empty') }), {
    location: 'body',
  });

  it('hands on the parsed value', () => {
    expect(pipe.transform({ name: 'x' })).toEqual({ name: 'x' });
  });

  it('answers 400 naming every problem, unknown fields included', () => {
    expect(refusal(() => pipe.transform({ name: '', extra: 1, other: 2 }))).toEqual({
      statusCode: 400,
      message: 'invalid body',
      errors: ['name: must not be empty', 'body: unknown field(s) extra, other'],
    });
  });

  it('treats a missing body as an empty object, and refuses non-objects', () => {
    expect(refusal(() => pipe.transform(undefined))).toMatchObject({ errors: [expect.stringMatching(/^name: /)] });
    expect(refusal(() => pipe.transform(['name']))).toMatchObject({ errors: [expect.stringMatching(/^body: /)] });
  });

  it('names a problem with the whole query after the query', () => {
    const query = new ZodValidationPipe(
      z.strictObject({ from: z.string(), to: z.string() }).refine((q) => q.from < q.to, { error: 'from after to' }),
      { location: 'query' },
    );
    expect(refusal(() => query.transform({ from: 'b', to: 'a' }))).toEqual({
      statusCode: 400,
      message: 'invalid query',
      errors: ['query: from after to'],
    });
  });

  it('names a path parameter by what it is and by its name', () => {
    const param = new ZodValidationPipe(z.uuid({ error: 'expected a team id (UUID)' }), {
      location: 'path',
      what: 'team id',
    });
    expect(refusal(() => param.transform('nope', { type: 'param', data: 'teamId' }))).toEqual({
      statusCode: 400,
      message: 'invalid team id',
      errors: ['teamId: expected a team id (UUID)'],
    });
  });
});
