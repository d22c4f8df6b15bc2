/** One variable that failed validation: its name and what was expected (never its value if secret). */
export interface ConfigProblem {
  variable: string;
  expected: string;
  received?: string;
}

/** Raised at startup when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid configuration for ${service}:\n` +
        problems
          .map((p) => `  - ${p.variable}: ${p.expected}${p.received === undefined ? '' : ` (got ${p.received})`}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}
