import fs from 'node:fs';
import path from 'node:path';
import { ConnectionRegistry, EmbeddedServer, defaultDataDir } from './db';
import { StreamHub } from './ipc/streams';
import { appRoot, appVersion } from './version';

/** Everything a service handler may use. One per engine process. */
export interface AppContext {
  mode: 'electron' | 'browser' | 'cli';
  version: string;
  dataDir: string;
  embedded: EmbeddedServer;
  connections: ConnectionRegistry;
  streams: StreamHub;
  /** the demo project, copied from resources/demo into the data dir on first use */
  demoProjectDir(): string;
  close(): Promise<void>;
}

export { appRoot, appVersion } from './version';

export function bundledDemoDir(): string {
  return path.join(appRoot(), 'resources', 'demo');
}

export function createContext(opts: { mode: AppContext['mode']; dataDir?: string; embeddedPort?: number }): AppContext {
  const dataDir = opts.dataDir ?? defaultDataDir();
  const embedded = new EmbeddedServer({ baseDir: path.join(dataDir, 'embedded'), ...(opts.embeddedPort ? { port: opts.embeddedPort } : {}) });
  const connections = new ConnectionRegistry(embedded);
  const streams = new StreamHub();
  return {
    mode: opts.mode,
    version: appVersion(),
    dataDir,
    embedded,
    connections,
    streams,
    demoProjectDir() {
      const target = path.join(dataDir, 'demo-project');
      if (!fs.existsSync(path.join(target, 'confiture.yaml'))) {
        fs.mkdirSync(dataDir, { recursive: true });
        fs.cpSync(bundledDemoDir(), target, { recursive: true });
      }
      return target;
    },
    async close() {
      await connections.closeAll();
      await embedded.stop();
    },
  };
}
