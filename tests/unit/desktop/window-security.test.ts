/**
 * The desktop window's options and guards, checked without Electron: they are plain functions
 * (src-main/desktop) that the Electron entry hands to BrowserWindow, the session and web contents.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  browserWindowOptions,
  CSP,
  isAllowedNavigation,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  webviewGuard,
  windowOpenHandler,
  withCsp,
} from '../../../src-main/desktop';

const FILE_ENTRY = 'file:///opt/Confiture/resources/app/out/renderer/index.html';
const DEV_ENTRY = 'http://localhost:5173/';

function preventable() {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get prevented() {
      return prevented;
    },
  };
}

describe('BrowserWindow options', () => {
  it('isolate and sandbox the renderer, with no Node, no webview and no middle-click windows', () => {
    const o = browserWindowOptions('/app/out/preload/index.cjs');
    expect(o.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
    });
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'midi', 'unknown'])('refuses a request for %s', (permission) => {
    let answer: boolean | undefined;
    permissionRequestHandler({}, permission, (granted) => (answer = granted));
    expect(answer).toBe(false);
  });

  it('answers every permission check with "denied"', () => {
    expect(permissionCheckHandler()).toBe(false);
  });
});

describe('new windows and navigation', () => {
  it('never opens a window, nor an external browser', () => {
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
  });

  it('allows only a reload of the entry page', () => {
    expect(isAllowedNavigation(FILE_ENTRY, FILE_ENTRY)).toBe(true);
    expect(isAllowedNavigation(`${FILE_ENTRY}#/risk`, FILE_ENTRY)).toBe(true);
    expect(isAllowedNavigation(DEV_ENTRY, DEV_ENTRY)).toBe(true);
    for (const target of [
      'file:///etc/passwd',
      'file:///opt/Confiture/resources/app/out/renderer/other.html',
      'https://evil.example/',
      'http://localhost:5174/',
      'http://127.0.0.1:5173/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'not a url',
    ]) {
      expect(isAllowedNavigation(target, target.startsWith('http') ? DEV_ENTRY : FILE_ENTRY), target).toBe(false);
    }
  });

  it('prevents will-navigate and will-redirect (event, url) and will-frame-navigate (event.url) elsewhere', () => {
    const guard = navigationGuard(() => FILE_ENTRY);
    const away = preventable();
    guard(away, 'https://evil.example/phish');
    expect(away.prevented).toBe(true);
    const reload = preventable();
    guard(reload, FILE_ENTRY);
    expect(reload.prevented).toBe(false);
    const frame = Object.assign(preventable(), { url: 'https://evil.example/' });
    guard(frame);
    expect(frame.prevented).toBe(true);
    const noUrl = preventable();
    guard(noUrl);
    expect(noUrl.prevented).toBe(true);
  });

  it('prevents any <webview> from attaching', () => {
    const e = preventable();
    webviewGuard(e);
    expect(e.prevented).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  it('replaces whatever policy a response carried with ours', () => {
    expect(withCsp({ 'content-security-policy': ["default-src *"], 'x-other': ['1'] })).toEqual({ 'x-other': ['1'], 'Content-Security-Policy': [CSP] });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CSP] });
  });

  it("passes Google's CSP evaluator (the one electronegativity uses) with nothing above a 'self' remark", () => {
    const scanner = createRequire(require.resolve('@doyensec/electronegativity/package.json'));
    const csp = scanner('@doyensec/csp-evaluator') as {
      CspParser: new (s: string) => { csp: unknown };
      CspEvaluator: new (c: unknown, v: unknown) => { evaluate(): { severity: number; directive: string; value?: string }[] };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new csp.CspEvaluator(new csp.CspParser(CSP).csp, csp.Version.CSP3).evaluate();
    // MEDIUM_MAYBE "'self' can be problematic if you host JSONP, Angular or user uploaded files": we host none
    expect(findings.filter((f) => f.severity < csp.severities.MEDIUM_MAYBE!)).toEqual([]);
    expect(findings.map((f) => `${f.directive} ${f.value ?? ''}`.trim())).toEqual(["script-src 'self'"]);
  });

  it("is the renderer's own meta policy too (minus what a meta tag cannot carry)", () => {
    const html = fs.readFileSync(path.resolve('src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const directives = (p: string) => new Map(p.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v.join(' ')]));
    const ours = directives(CSP);
    ours.delete('frame-ancestors');
    expect(directives(meta)).toEqual(ours);
  });
});
