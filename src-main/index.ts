/**
 * The Electron entry: windows, the engine utilityProcess, and the MessagePort wiring.
 * Everything else lives in plain Node services (see worker.ts). Only this file and the
 * preload import `electron`. The window options and the deny-by-default guards (permissions,
 * new windows, navigation, webviews) are plain functions in `desktop/`, unit-tested there.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, MessageChannelMain, session, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import {
  browserWindowOptions,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  projectDirFromArgv,
  projectDirOf,
  webviewGuard,
  windowOpenHandler,
  withCsp,
} from './desktop';
import electronUpdater from 'electron-updater';

// one app: a second launch (Open with…, a project folder on the command line) hands its project to
// the first one (second-instance below) and quits
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

let engine: UtilityProcess | null = null;
/** a project named before the engine was up (macOS sends open-file before ready) */
let pendingProject: string | null = null;
const windows = new Set<BrowserWindow>();
let quitting = false;

function startEngine(): UtilityProcess {
  const child = utilityProcess.fork(path.join(import.meta.dirname, 'worker.js'), [], { serviceName: 'confiture-engine', stdio: 'inherit' });
  // the engine made it the session's project: open windows load it (a reload is the one navigation allowed)
  child.on('message', (m: { type?: string; dir?: string | null }) => {
    if (m?.type === 'project-opened' && m.dir) for (const w of windows) w.webContents.reload();
  });
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

/** Hands a path to the engine; it opens the project if the path names one (projectDirOf, checked again there). */
function openProject(dir: string | null): void {
  if (!dir) return;
  if (engine) engine.postMessage({ type: 'open-project', dir });
  else pendingProject = dir;
}

/** The page every window loads; the only place a window may navigate to (a reload). */
function entryUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(path.join(import.meta.dirname, '../renderer/index.html')).toString();
}

/** Deny-by-default guards on any web contents (windows, and anything that might ever attach). */
function guardContents(contents: WebContents): void {
  contents.setWindowOpenHandler(windowOpenHandler);
  contents.on('will-navigate', navigationGuard(entryUrl));
  contents.on('will-redirect', navigationGuard(entryUrl));
  contents.on('will-frame-navigate', navigationGuard(entryUrl));
  contents.on('will-attach-webview', webviewGuard);
}

function createWindow(): void {
  // the scanner cannot see through the call: contextIsolation, sandbox and Auxclick are set there and pinned by tests/unit/desktop
  const win = new BrowserWindow(browserWindowOptions(path.join(import.meta.dirname, '../preload/index.cjs'))); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-finish-load', () => connectWindow(win));
  void win.loadURL(entryUrl());
}

void app.whenReady().then(() => {
  if (!primary) return;
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler(permissionRequestHandler);
  ses.setPermissionCheckHandler(permissionCheckHandler);
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders) }));
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  engine = startEngine();
  // before the first window connects: its first session/get already sees the project
  openProject(pendingProject ?? projectDirFromArgv(process.argv));
  pendingProject = null;
  createWindow();
  // packaged builds check the releases of electron-builder.yml `publish` (CONFITURE_NO_UPDATE=1: never)
  if (app.isPackaged && process.env.CONFITURE_NO_UPDATE !== '1') {
    electronUpdater.autoUpdater.checkForUpdatesAndNotify().catch((e: unknown) => console.error(`update check failed: ${e instanceof Error ? e.message : String(e)}`));
  }
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('second-instance', (_event, argv, workingDirectory) => {
  openProject(projectDirFromArgv(argv, workingDirectory));
  const w = [...windows][0];
  if (w) {
    if (w.isMinimized()) w.restore();
    w.focus();
  }
});
// macOS: a confiture.yaml opened with the app (Finder, `open -a`), also before ready
app.on('open-file', (event, file) => {
  event.preventDefault();
  openProject(projectDirOf(file));
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
