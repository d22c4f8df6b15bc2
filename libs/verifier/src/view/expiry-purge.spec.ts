import { randomUUID } from 'node:crypto';
import { RevocationIndex } from '../revocation-index';
import { ExpiryPurge } from './expiry-purge';

describe('ExpiryPurge', () => {
  it('forgets expired revocations and keeps the others, over every target', () => {
    const now = Date.now();
    const [first, second] = [new RevocationIndex(), new RevocationIndex()];
    const revoke = (index: RevocationIndex, expiresAt: number | null) => {
      index.upsert('acme', {
        revocationId: randomUUID(),
        subject: { kind: 'device', value: randomUUID() },
        createdAt: new Date(now - 10_000).toISOString(),
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      });
    };
    revoke(first, now - 1000);
    revoke(first, null);
    revoke(second, now - 1);
    revoke(second, now + 60_000);
    expect(new ExpiryPurge([first, second]).purge(now)).toBe(2);
    expect([first.size, second.size]).toEqual([1, 1]);
  });
});
