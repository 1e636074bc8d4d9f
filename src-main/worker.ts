/**
 * The engine process of the desktop app (an Electron utilityProcess): it owns the services,
 * the connections and the embedded server. Each window gets its own MessagePort. Plain Node:
 * `process.parentPort` is provided by Electron, this file never imports `electron`.
 */
import { createContext } from './context';
import { openProjectFromDesktop } from './desk';
import { createRouter } from './ipc/router';
import { servePort, type PortLike } from './ipc/port-server';
import { childLogger } from './logging';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const log = childLogger({ service: 'worker' });

if (!parentPort) {
  log.error('worker.ts must run inside an Electron utilityProcess');
  process.exit(1);
}

const ctx = createContext({ mode: 'electron', ...(process.env.CONFITURE_DATA_DIR ? { dataDir: process.env.CONFITURE_DATA_DIR } : {}) });
const router = createRouter(ctx);

parentPort.on('message', (e) => {
  const data = e.data as { type?: string } | undefined;
  if (data?.type === 'window-port' && e.ports[0]) {
    servePort(e.ports[0], router);
  } else if (data?.type === 'open-project') {
    // a confiture.yaml opened with the app, or a project folder on its command line
    const dir = openProjectFromDesktop(ctx, (data as { dir?: unknown }).dir);
    parentPort.postMessage({ type: 'project-opened', dir });
  } else if (data?.type === 'shutdown') {
    void ctx.close().finally(() => {
      parentPort.postMessage({ type: 'shutdown-done' });
      process.exit(0);
    });
  }
});
parentPort.postMessage({ type: 'ready' });
