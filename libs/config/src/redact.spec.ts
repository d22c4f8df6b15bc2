import { redactUrl } from './redact';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://tessera:s3cret@db.internal:5432/tessera')).toBe(
      'postgres://tessera:***@db.internal:5432/tessera',
    );
  });

  it('leaves a URL without password as it is', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/tessera')).toBe('postgres://postgres@127.0.0.1:5432/tessera');
  });

  it('does not echo something that is not a URL', () => {
    expect(redactUrl('user:pw@nowhere')).not.toContain('pw');
  });
});
