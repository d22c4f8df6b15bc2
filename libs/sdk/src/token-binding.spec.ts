import { createHash } from 'node:crypto';
import { Sha256Base64UrlSchema } from '@tessera/contracts';
import { tokenBindingOf } from './token-binding';

describe('token binding', () => {
  it.each(['Bearer alice', '', 'Bearer ünïcödé ✓', 'x'.repeat(10_000)])(
    'is the hash the verifier computes for %#',
    async (value) => {
      // The verifier: createHash('sha256').update(boundValue).digest('base64url') (libs/verifier token-verifier.ts).
      const binding = await tokenBindingOf(value);
      expect(binding).toBe(createHash('sha256').update(value).digest('base64url'));
      expect(Sha256Base64UrlSchema.safeParse(binding).success).toBe(true);
    },
  );
});
