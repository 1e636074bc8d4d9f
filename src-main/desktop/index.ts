/**
 * The desktop window's security, as plain data and functions (no `electron` import, so a unit
 * test checks them without Electron): the BrowserWindow options, and deny-by-default guards for
 * permissions, new windows, navigation and <webview>. `src-main/index.ts` applies them.
 *
 * The renderer is our own bundle loaded from one place (the packaged index.html, or the dev
 * server in development); it needs no browser permission, opens no window and never leaves
 * its page, so everything is refused and nothing is opened externally.
 */
import { CSP } from '../web/bridge';

export { CSP };

/** The BrowserWindow options; `preload` is the absolute path of the preload script. */
export function browserWindowOptions(preload: string) {
  return {
    width: 1360,
    height: 880,
    title: 'Confiture Desktop',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // middle-click (auxclick) would otherwise open links in new windows
      disableBlinkFeatures: 'Auxclick',
    },
  } as const;
}

/** Permission requests (camera, notifications, clipboard, geolocation, …): always refused. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** Permission checks (navigator.permissions.query, …): always "denied". */
export function permissionCheckHandler(): boolean {
  return false;
}

/** window.open, target=_blank, middle-click: never a new window, never an external browser. */
export function windowOpenHandler(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * A full navigation is allowed only to the app's own entry page (a reload): same origin and
 * path. Anything else — a link, a redirect, a dropped file, javascript: — is refused.
 */
export function isAllowedNavigation(target: string, entry: string): boolean {
  let t: URL;
  let e: URL;
  try {
    t = new URL(target);
    e = new URL(entry);
  } catch {
    return false;
  }
  if (t.protocol !== e.protocol || t.pathname !== e.pathname) return false;
  return t.protocol === 'file:' ? t.host === e.host : t.origin === e.origin;
}

interface PreventableEvent {
  preventDefault(): void;
}

/**
 * will-navigate / will-redirect (event, url) and will-frame-navigate (event carrying `url`):
 * refuses what isAllowedNavigation refuses.
 */
export function navigationGuard(entry: () => string) {
  return (event: PreventableEvent & { url?: string }, url?: string): void => {
    if (!isAllowedNavigation(url ?? event.url ?? '', entry())) event.preventDefault();
  };
}

/** will-attach-webview: never (webviewTag is off; this also covers a page that tries anyway). */
export function webviewGuard(event: PreventableEvent): void {
  event.preventDefault();
}

/** The response headers of the app's own pages, with the Content-Security-Policy set. */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[] | string> {
  const out: Record<string, string[] | string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  // the scanner evaluates only literal policies: CSP is checked with its evaluator in tests/unit/desktop
  out['Content-Security-Policy'] = [CSP]; // eng-disable CSP_GLOBAL_CHECK
  return out;
}

export { PROJECT_FILES, projectDirFromArgv, projectDirOf } from './open-project';
