/**
 * A typed client over any transport (Electron preload, web bridge, in-process).
 * `api.call('project/open', { dir })` or `api.project.open({ dir })`.
 */
import type { ErrorValue, Result } from './errors';
import type { EventOf, InputOf, OutputOf, ProcedureName, StreamInputOf, StreamName } from './contract';

export interface Transport {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  subscribe(name: string, input: unknown, onEvent: (event: unknown) => void, onError: (error: ErrorValue) => void): () => void;
}

export class ClientError extends Error {
  readonly error: ErrorValue;
  constructor(error: ErrorValue) {
    super(error.message);
    this.name = 'ClientError';
    this.error = error;
  }
}

type DomainOf<N extends string> = N extends `${infer D}/${string}` ? D : never;
export type Api = {
  [D in DomainOf<ProcedureName>]: {
    [N in ProcedureName as N extends `${D}/${infer A}` ? A : never]: (input: InputOf<N>) => Promise<OutputOf<N>>;
  };
};

export interface Client {
  call<N extends ProcedureName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  subscribe<S extends StreamName>(
    name: S,
    input: StreamInputOf<S>,
    onEvent: (event: EventOf<S>) => void,
    onError?: (error: ErrorValue) => void,
  ): () => void;
  api: Api;
}

export function createClient(transport: Transport): Client {
  const call = async <N extends ProcedureName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> => {
    const result = await transport.call(name, input);
    if (!result.ok) throw new ClientError(result.error);
    return result.value as OutputOf<N>;
  };
  // `then` and symbols are left undefined so `await api.project` (or returning it from an async
  // function) does not call a procedure named "project/then" and hang
  const api = new Proxy({} as Api, {
    get: (_t, domain: string | symbol) =>
      typeof domain !== 'string' || domain === 'then'
        ? undefined
        : new Proxy(
            {},
            {
              get: (_t2, action: string | symbol) =>
                typeof action !== 'string' || action === 'then'
                  ? undefined
                  : (input: unknown) => call(`${domain}/${action}` as ProcedureName, input as never),
            },
          ),
  });
  return {
    call,
    subscribe: (name, input, onEvent, onError) =>
      transport.subscribe(name, input, (e) => onEvent(e as never), onError ?? (() => undefined)),
    api,
  };
}
