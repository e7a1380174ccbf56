import type { ZodIssue } from 'zod';

/** One problem in one data file, located by its field path. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A knowledge or dialog file that cannot be used. Start-up stops with `message`,
 * one line per problem: `path: field: what is wrong`.
 */
export class KnowledgeFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: FieldProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.field || '(file)'}: ${p.message}`).join('\n'));
    this.name = 'KnowledgeFileError';
  }

  static fromZod(file: string, issues: ZodIssue[]): KnowledgeFileError {
    return new KnowledgeFileError(
      file,
      issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  }
}
