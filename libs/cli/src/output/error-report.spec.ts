import { ApiError, EndpointUnreachableError } from '../api/api-errors';
import { CliError, NotLoggedInError, UsageError } from '../errors';
import { ExitCode, exitCodeForStatus } from '../exit-codes';
import { redactKeys, reportError } from './error-report';

const apiError = (status: number, extra: Partial<{ errors: string[]; reason: string }> = {}) =>
  new ApiError('GET', '/v1/x', status, 'it went wrong', extra.errors ?? [], 'req-1', extra.reason);

describe('exit codes', () => {
  it.each([
    [400, ExitCode.failure],
    [401, ExitCode.notLoggedIn],
    [403, ExitCode.failure],
    [404, ExitCode.notFound],
    [409, ExitCode.conflict],
    [413, ExitCode.failure],
    [422, ExitCode.failure],
    [500, ExitCode.serverError],
    [503, ExitCode.serverError],
  ])('HTTP %i exits %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
    expect(reportError(apiError(status)).exitCode).toBe(code);
  });

  it('maps local failures: usage 2, no key 3, unreachable 6, anything else 1', () => {
    expect(reportError(new UsageError('bad')).exitCode).toBe(2);
    expect(reportError(new NotLoggedInError()).exitCode).toBe(3);
    expect(reportError(new EndpointUnreachableError('http://h:1', undefined, new Error('x'))).exitCode).toBe(6);
    expect(reportError(new CliError('conflict', ExitCode.conflict)).exitCode).toBe(5);
    expect(reportError(new Error('boom')).exitCode).toBe(1);
    expect(reportError('a string').exitCode).toBe(1);
  });
});

describe('reportError', () => {
  it("shows the API's message, each of its errors, the reason and the request id", () => {
    expect(
      reportError(apiError(400, { errors: ['name: must not be empty', 'body: unknown field(s) x'] })).lines,
    ).toEqual([
      'error: it went wrong (400)',
      '  - name: must not be empty',
      '  - body: unknown field(s) x',
      '  request id: req-1',
    ]);
    expect(reportError(apiError(422, { reason: 'unsigned' })).lines[0]).toBe(
      'error: it went wrong (422, reason unsigned)',
    );
  });

  it('names what a 409 is about, with the command that shows it', () => {
    const conflict = new ApiError(
      'POST',
      '/v1/revocations',
      409,
      'this device is already revoked',
      [],
      'r',
      undefined,
      {
        revocationId: 'R1',
        somethingId: 'S1',
      },
    );
    expect(reportError(conflict).lines).toEqual([
      'error: this device is already revoked (409)',
      '  revocationId: R1 (tessera revocation show R1)',
      '  somethingId: S1',
      '  request id: r',
    ]);
  });

  it('for the token service: its settings when unreachable, a new key that may not be there yet, rotate --force', () => {
    const down = reportError(new EndpointUnreachableError('http://t:3', undefined, new Error('x'), 'token'));
    expect(down.lines[1]).toBe('  is the token service running there? (--token-endpoint, TESSERA_TOKEN_ENDPOINT)');
    const refused = new ApiError(
      'GET',
      '/v1/signing-keys',
      401,
      'a valid API key is required',
      [],
      'r',
      undefined,
      {},
      'token',
    );
    expect(reportError(refused).lines).toContain(
      '  (a key created a moment ago reaches the token service shortly after)',
    );
    const early = new ApiError(
      'POST',
      '/v1/signing-keys/rotate',
      409,
      'it may sign from T (or force the rotation)',
      [],
      'r',
      undefined,
      {},
      'token',
    );
    expect(reportError(early)).toMatchObject({ exitCode: ExitCode.conflict });
    expect(reportError(early).lines.slice(0, 2)).toEqual([
      'error: it may sign from T (or force the rotation) (409)',
      '  to rotate now anyway: tessera signing-key rotate --force (verifiers whose cached JWKS predates the next key',
    ]);
  });

  it('says what to do about a refused key or an unreachable endpoint', () => {
    expect(reportError(apiError(401)).lines.join('\n')).toContain('run `tessera login`');
    expect(reportError(apiError(401)).lines.join('\n')).not.toContain('token service');
    const unreachable = reportError(new EndpointUnreachableError('http://h:1', undefined, new Error('x')));
    expect(unreachable.lines[0]).toBe('error: cannot reach http://h:1: x');
    expect(unreachable.lines[1]).toContain('is the registration service running there?');
  });
});

describe('redactKeys', () => {
  it('masks every API key in a text', () => {
    const key = `tsk_0123456789abcdef_${'Z'.repeat(43)}`;
    expect(redactKeys(`bad: ${key}, again ${key}.`)).toBe(
      'bad: tsk_0123456789abcdef_****, again tsk_0123456789abcdef_****.',
    );
  });
});
