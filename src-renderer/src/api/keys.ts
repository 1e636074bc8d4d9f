/** Every react-query key, built in one place so mutations can invalidate precisely. */
export const keys = {
  appInfo: () => ['app', 'info'] as const,
  connections: () => ['connection', 'list'] as const,
  project: (dir: string) => ['project', dir] as const,
  status: (dir: string, connectionId: string) => ['project', dir, 'status', connectionId] as const,
  source: (dir: string, version: string) => ['project', dir, 'source', version] as const,
};
