import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('grows with attempts and stays within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ceiling = Math.min(5000, 100 * 2 ** attempt);
      for (let i = 0; i < 20; i++) {
        const delay = backoffDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
