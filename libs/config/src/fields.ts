import { z } from 'zod';

// Building blocks for environment schemas. Each carries the sentence a user sees when the value is wrong.

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected an integer port between 1 and 65535' })
    .int('expected an integer port between 1 and 65535')
    .min(1, 'expected an integer port between 1 and 65535')
    .max(65535, 'expected an integer port between 1 and 65535')
    .default(fallback);

export const positiveInt = (fallback: number, what = 'a positive integer') =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .positive(`expected ${what}`)
    .default(fallback);

export const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export const brokerList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw) =>
      raw
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b.length > 0),
    )
    .refine((list) => list.length > 0 && list.every((b) => hostPort.test(b)), {
      error: 'expected a comma-separated list of host:port, e.g. kafka-1:9092,kafka-2:9092',
    });

export const postgresUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (raw) => {
        try {
          const url = new URL(raw);
          return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname.length > 0;
        } catch {
          return false;
        }
      },
      { error: 'expected a URL like postgres://user:password@host:5432/tessera' },
    );

export const identifier = (fallback: string, what: string, maxLength = 63) =>
  z
    .string()
    .regex(
      new RegExp(`^[a-z_][a-z0-9_]{0,${maxLength - 1}}$`),
      `expected ${what}: at most ${maxLength} lower-case letters, digits and _, starting with a letter`,
    )
    .default(fallback);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'expected one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');
