import type { z } from 'zod';

/** A procedure: a validated input schema and (type-only) output. */
export interface ProcedureDef<I extends z.ZodType = z.ZodType, O = unknown> {
  kind: 'procedure';
  input: I;
  /** phantom: carries the output type, never set at runtime */
  readonly __output?: O;
}

/** A stream: a validated input schema and the type of each event it emits. */
export interface StreamDef<I extends z.ZodType = z.ZodType, E = unknown> {
  kind: 'stream';
  input: I;
  readonly __event?: E;
}

export const procedure =
  <O>() =>
  <I extends z.ZodType>(input: I): ProcedureDef<I, O> => ({ kind: 'procedure', input });

export const stream =
  <E>() =>
  <I extends z.ZodType>(input: I): StreamDef<I, E> => ({ kind: 'stream', input });
