import type { z } from 'zod';

/**
 * zod's findings as one line an operator can act on, each naming its key path: `unknown config key
 * sftp.hots; config key sftp.port: Too big`. `what` is the word before "key" (`config`, or none for a
 * profile, whose file is named by the caller). The one formatter for every schema lead-etl reads.
 */
export function describeIssues(error: z.ZodError, what = ''): string {
  const key = what ? `${what} key` : 'key';
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `unknown ${key} ${path ? `${path}.` : ''}${k}`).join('; ');
      return `${key} ${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
