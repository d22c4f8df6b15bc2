import { KekFormatError, KeyEncryptionKey, parseKek, parseKekList } from '@tessera/sealing';
import { z } from 'zod';

const FORMAT = '<kek id>:<base64 of 32 random bytes> (see docs/configuration.md)';

/** Runs a KEK parser inside zod, turning its refusal (which never echoes the value) into the variable's problem. */
function parsed<T>(parse: (text: string) => T) {
  return (text: string, ctx: z.RefinementCtx): T | typeof z.NEVER => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof KekFormatError)) throw error;
      ctx.addIssue({ code: 'custom', message: `${error.message}; expected ${FORMAT}` });
      return z.NEVER;
    }
  };
}

/**
 * The key-encryption keys of a service that seals secrets at rest: TESSERA_KEK (required in every environment —
 * see docs/decisions.md) seals and opens, TESSERA_KEK_PREVIOUS (optional, comma-separated) only opens, for rotation.
 * Both are secret variables: never echoed in configuration errors, redacted in logs, and parsed into
 * KeyEncryptionKeys that show only their ids when logged.
 */
export const kekShape = () => ({
  TESSERA_KEK: z
    .string({ error: (issue) => (issue.input === undefined ? `is required: ${FORMAT}` : `expected ${FORMAT}`) })
    .transform(parsed(parseKek)),
  TESSERA_KEK_PREVIOUS: z.string().default('').transform(parsed(parseKekList)),
});

/**
 * The same keys for a service that only opens secrets and can do without them (a verifier: HS256 keys are unknown
 * to it without the KEK, every other key works).
 */
export const optionalKekShape = () => ({
  TESSERA_KEK: z
    .string()
    .optional()
    .transform((text, ctx) => (text === undefined ? undefined : parsed(parseKek)(text, ctx))),
  TESSERA_KEK_PREVIOUS: z.string().default('').transform(parsed(parseKekList)),
});

/** KEK ids must differ: a sealed value names the one key that opens it. */
export function refineKekConfig(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const current = value.TESSERA_KEK;
  const previous = value.TESSERA_KEK_PREVIOUS;
  if (!(current instanceof KeyEncryptionKey) || !Array.isArray(previous)) return;
  const seen = new Set([current.id]);
  for (const kek of previous as KeyEncryptionKey[]) {
    if (seen.has(kek.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TESSERA_KEK_PREVIOUS'],
        message: `the KEK id ${kek.id} is configured twice: each KEK needs its own id`,
      });
    }
    seen.add(kek.id);
  }
}
