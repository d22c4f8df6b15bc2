import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors';

/** A local file, whole (small inputs only: rules, secret values); a clear usage error when it cannot be read. */
export async function readLocalFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
    throw new UsageError(`cannot read ${what} ${file}: ${problem}`);
  }
}

/** The file an optional option names (`--served-chain served.pem`), or undefined when the option is not given. */
export async function readOptionalFile(file: string | undefined, what: string): Promise<string | undefined> {
  return file === undefined ? undefined : readLocalFile(file, what);
}

/** A JSON object from a file (`--rules file.json`). */
export async function readJsonObjectFile(file: string, what: string): Promise<Record<string, unknown>> {
  const text = await readLocalFile(file, what);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${what} ${file} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** `echo value | ...` and editors add one final newline that is not part of the value. */
export function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
