import type { z } from 'zod';

/** A zod error as one line: the first few issues, each `path: message`. Values are never quoted (logs see it). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
