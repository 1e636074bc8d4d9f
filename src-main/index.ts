/**
 * The Electron entry: windows, the engine utilityProcess, and the MessagePort wiring.
 * Everything else lives in plain Node services (see worker.ts). Only this file and the
 * preload import `electron`.
 */
import path from 'node:path';
import { app, BrowserWindow, MessageChannelMain, session, utilityProcess, type UtilityProcess } from 'electron';
import { CSP } from './web/bridge';

let engine: UtilityProcess | null = null;
const windows = new Set<BrowserWindow>();
let quitting = false;

function startEngine(): UtilityProcess {
  const child = utilityProcess.fork(path.join(import.meta.dirname, 'worker.js'), [], { serviceName: 'confiture-engine', stdio: 'inherit' });
  child.on('exit', (code) => {
    engine = null;
    if (quitting) return;
    // a crashed engine is respawned and every window gets a new port
    console.error(`confiture engine exited with code ${code}; restarting`);
    engine = startEngine();
    for (const w of windows) connectWindow(w);
  });
  return child;
}

function connectWindow(win: BrowserWindow): void {
  if (!engine) engine = startEngine();
  const { port1, port2 } = new MessageChannelMain();
  engine.postMessage({ type: 'window-port' }, [port1]);
  win.webContents.postMessage('engine-port', null, [port2]);
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    title: 'Confiture Desktop',
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('did-finish-load', () => connectWindow(win));
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
}

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  engine = startEngine();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', (event) => {
  if (quitting || !engine) return;
  // stop the embedded PostgreSQL cleanly before quitting
  event.preventDefault();
  quitting = true;
  const child = engine;
  const done = () => app.quit();
  child.once('exit', done);
  child.postMessage({ type: 'shutdown' });
  setTimeout(() => child.kill(), 10_000);
});
