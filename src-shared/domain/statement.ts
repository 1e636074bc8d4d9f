/** Where a statement sits in its file: 1-based line and column, 0-based character offset. */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/** A statement as the UI sees it (no AST). */
export interface StatementSummary {
  index: number;
  kind: string;
  sql: string;
  range: SourceRange;
  transactional: boolean;
}

export interface ParseProblem {
  severity: 'error' | 'warning';
  /** invalid_character: NUL or an unpaired surrogate; invalid_encoding: not UTF-8; too_large / too_deep: over the parse limits */
  code: 'syntax_error' | 'psql_meta_command' | 'bad_directive' | 'empty' | 'invalid_character' | 'invalid_encoding' | 'too_large' | 'too_deep';
  message: string;
  file?: string;
  line: number;
  column: number;
}
