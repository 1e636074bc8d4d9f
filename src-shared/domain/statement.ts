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
  code: 'syntax_error' | 'psql_meta_command' | 'bad_directive' | 'empty';
  message: string;
  file?: string;
  line: number;
  column: number;
}
