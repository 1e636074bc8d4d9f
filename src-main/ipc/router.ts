/**
 * The one router every transport goes through: it checks the procedure exists, validates the
 * input with the contract's zod schema and turns every failure into an ErrorValue.
 */
import type { z } from 'zod';
import {
  isProcedureName,
  isStreamName,
  procedures,
  streams,
  type EventOf,
  type OutputOf,
  type ParsedInputOf,
  type ParsedStreamInputOf,
  type ProcedureName,
  type StreamName,
} from '../../src-shared/contract';
import type { ErrorValue, Result } from '../../src-shared/errors';
import type { AppContext } from '../context';
import { toErrorValue } from '../errors';
import { childLogger } from '../logging';
import { handlers, streamHandlers } from './handlers';

export type Handler<N extends ProcedureName> = (input: ParsedInputOf<N>, ctx: AppContext) => Promise<OutputOf<N>>;
export type Handlers = { [N in ProcedureName]: Handler<N> };
export type StreamHandler<S extends StreamName> = (
  input: ParsedStreamInputOf<S>,
  ctx: AppContext,
  emit: (event: EventOf<S>) => void,
) => () => void;
export type StreamHandlers = { [S in StreamName]: StreamHandler<S> };

function validationError(name: string, error: z.ZodError): ErrorValue {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  return {
    code: 'invalid_input',
    message: `${name}: ${path ? `field "${path}": ` : ''}${issue.message}${keys}`,
    where: path ? { field: path } : {},
  };
}

export interface Router {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  subscribe(name: string, input: unknown, emit: (event: unknown) => void): Result<() => void>;
}

export function createRouter(ctx: AppContext): Router {
  const log = childLogger({ service: 'router' });
  return {
    async call(name, input) {
      if (typeof name !== 'string' || !isProcedureName(name)) {
        return { ok: false, error: { code: 'invalid_input', message: `Unknown procedure "${String(name).slice(0, 80)}"` } };
      }
      const parsed = procedures[name].input.safeParse(input ?? {});
      if (!parsed.success) return { ok: false, error: validationError(name, parsed.error) };
      const started = performance.now();
      try {
        const handler = handlers[name] as (i: unknown, c: AppContext) => Promise<unknown>;
        const value = await handler(parsed.data, ctx);
        log.debug({ procedure: name, ms: Math.round(performance.now() - started) }, 'call');
        return { ok: true, value };
      } catch (e) {
        const error = toErrorValue(e);
        if (error.code === 'internal') log.error({ procedure: name, err: (e as Error).stack }, 'internal error');
        else log.info({ procedure: name, code: error.code }, 'call failed');
        return { ok: false, error };
      }
    },
    subscribe(name, input, emit) {
      if (typeof name !== 'string' || !isStreamName(name)) {
        return { ok: false, error: { code: 'invalid_input', message: `Unknown stream "${String(name).slice(0, 80)}"` } };
      }
      const parsed = streams[name].input.safeParse(input ?? {});
      if (!parsed.success) return { ok: false, error: validationError(name, parsed.error) };
      try {
        const handler = streamHandlers[name] as (i: unknown, c: AppContext, e: (ev: unknown) => void) => () => void;
        return { ok: true, value: handler(parsed.data, ctx, emit) };
      } catch (e) {
        return { ok: false, error: toErrorValue(e) };
      }
    },
  };
}
