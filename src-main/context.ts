import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectionRegistry, EmbeddedServer, defaultDataDir } from './db';
import { StreamHub } from './ipc/streams';

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

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository (or packaged app) root holding `resources/`. */
export function appRoot(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'resources', 'demo'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function bundledDemoDir(): string {
  return path.join(appRoot(), 'resources', 'demo');
}

export function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
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
