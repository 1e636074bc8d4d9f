import { useQuery } from '@tanstack/react-query';
import { client } from './client';

/** Query keys of the lint views (under `['lint']`). */
export const lintKeys = {
  rules: () => ['lint', 'rules'] as const,
  config: (dir: string) => ['lint', dir, 'config'] as const,
  run: (dir: string, version: string | null, connectionId: string | null) => ['lint', dir, 'run', version ?? '*', connectionId ?? ''] as const,
};

export function useLintRules() {
  return useQuery({ queryKey: lintKeys.rules(), queryFn: () => client.api.lint.rules({}), staleTime: Infinity });
}

export function useLintConfig(dir: string | null) {
  return useQuery({ queryKey: lintKeys.config(dir ?? ''), queryFn: () => client.api.lint.config({ dir: dir! }), enabled: dir !== null });
}

export function useLintRun(dir: string | null, version: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: lintKeys.run(dir ?? '', version, connectionId),
    queryFn: () => client.api.lint.run({ dir: dir!, ...(version ? { version } : {}), ...(connectionId ? { connectionId } : {}) }),
    enabled: dir !== null,
  });
}
