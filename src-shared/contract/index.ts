/**
 * The IPC contract: every procedure and stream the renderer, the web bridge and the CLI share.
 * Add a domain file next to this one and spread it below; see docs/architecture.md.
 */
import type { z } from 'zod';
import type { ProcedureDef, StreamDef } from './define';
import { appProcedures, appStreams } from './app';
import { engineProcedures, engineStreams } from './engine';
import { hooksProcedures } from './hooks';
import { perfProcedures, perfStreams } from './perf';
import { lintProcedures } from './lint';
import { riskProcedures } from './risk';
import { sloProcedures } from './slo';
import { deskProcedures } from './desk';
import { fleetProcedures } from './fleet';

export const procedures = {
  ...appProcedures,
  ...engineProcedures,
  ...hooksProcedures,
  ...perfProcedures,
  ...lintProcedures,
  ...riskProcedures,
  ...sloProcedures,
  ...deskProcedures,
  ...fleetProcedures,
} as const satisfies Record<string, ProcedureDef>;

export const streams = {
  ...appStreams,
  ...engineStreams,
  ...perfStreams,
} as const satisfies Record<string, StreamDef>;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures & string;
export type InputOf<N extends ProcedureName> = z.input<Procedures[N]['input']>;
export type ParsedInputOf<N extends ProcedureName> = z.output<Procedures[N]['input']>;
export type OutputOf<N extends ProcedureName> = NonNullable<Procedures[N]['__output']>;

export type Streams = typeof streams;
export type StreamName = keyof Streams & string;
export type StreamInputOf<S extends StreamName> = z.input<Streams[S]['input']>;
export type ParsedStreamInputOf<S extends StreamName> = z.output<Streams[S]['input']>;
export type EventOf<S extends StreamName> = NonNullable<Streams[S]['__event']>;

export function isProcedureName(name: string): name is ProcedureName {
  return Object.prototype.hasOwnProperty.call(procedures, name);
}
export function isStreamName(name: string): name is StreamName {
  return Object.prototype.hasOwnProperty.call(streams, name);
}

export * from './define';
export type { AppInfo, SeedProgress } from './app';
export type { LintLibraryInfo, LintRunResult } from './lint';
