import { withDeadline } from './with-deadline';

describe('withDeadline', () => {
  it('returns the result when the work finishes in time', async () => {
    expect(await withDeadline(Promise.resolve('done'), 1000, 'late')).toBe('done');
  });

  it('returns the fallback when the work does not finish in time', async () => {
    const never = new Promise<string>(() => undefined);
    expect(await withDeadline(never, 20, 'late')).toBe('late');
  });

  it('passes the work failure through', async () => {
    await expect(withDeadline(Promise.reject(new Error('refused')), 1000, 'late')).rejects.toThrow('refused');
  });
});
