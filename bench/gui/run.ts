/**
 * bench/gui: the desk at scale (issue 12 point 4, issue 13 point 8). A generated project of 5,000
 * pending migrations is opened in Chromium (browser mode, the local web bridge, Playwright) on the
 * Migrations, Risk and Runner screens. For each screen it prints:
 *
 * - data shown: time from the response of the screen's call (project/status, risk/report,
 *   runner/plan) arriving in the page to the first row in the DOM;
 * - scrolling the list top to bottom and back, one step per frame: frames, median and p95 frame
 *   time (requestAnimationFrame deltas), dropped frames (each delta over 1.5 frames counts the
 *   frames it missed), long tasks (PerformanceObserver `longtask`, > 50 ms) and their total;
 * - rows in the DOM (windowing keeps it small whatever the list length).
 *
 *   npx tsx bench/gui/run.ts                        # embedded PostgreSQL
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/gui/run.ts
 *   npx tsx bench/gui/run.ts --migrations 1000
 *   npx tsx bench/gui/run.ts --only risk --trace /tmp   # + a Chromium trace of the scroll, summarised
 *   node --cpu-prof --cpu-prof-dir=/tmp --import tsx bench/gui/run.ts   # the bridge's CPU profile
 *   npx tsx bench/gui/run.ts --screenshots DIR           # a screenshot of each screen after its scroll
 *
 * Targets: data shown < 1 s after the response; no dropped frames while scrolling.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { createContext } from '../../src-main/context';
import { ensureWebBundle, startBridge } from '../../src-main/web';

process.env.CONFITURE_LOG_LEVEL ??= 'error';

const argN = process.argv.indexOf('--migrations');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 5_000;

/** A project of N small pending migrations (a table and an index each; every 10th a plain index on an earlier table). */
function generateProject(n: number): { dir: string; schema: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-gui-'));
  const schema = `bench_gui_${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(path.join(dir, 'confiture.yaml'), `name: bench-gui\ntracking:\n  schema: ${schema}\nrisk:\n  requireApprovalAbove: null\n`);
  const mdir = path.join(dir, 'migrations');
  fs.mkdirSync(mdir);
  const w = String(n).length + 1;
  for (let i = 1; i <= n; i++) {
    const v = String(i).padStart(w, '0');
    const sql =
      i % 10 === 0
        ? `CREATE INDEX ${schema}_t${i - 1}_note_idx ON ${schema}_t${i - 1} (note);\n`
        : `CREATE TABLE ${schema}_t${i} (id bigint PRIMARY KEY, note text);\nCREATE INDEX ${schema}_t${i}_id_idx ON ${schema}_t${i} (id, note);\n`;
    fs.writeFileSync(path.join(mdir, `${v}_step_${i}.up.sql`), sql);
  }
  return { dir, schema };
}

/** Installed before the app: when each API response arrives, when a selector first appears, and long tasks. */
const INSTRUMENT = `
  window.__bench = { requests: {}, responses: {}, parsed: {}, shown: {}, longtasks: [] };
  const origFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const url = String(args[0] && args[0].url || args[0]);
    const m = /\\/api\\/call\\/([^?]+)/.exec(url);
    if (m) window.__bench.requests[decodeURIComponent(m[1])] = performance.now();
    const res = await origFetch(...args);
    if (m) {
      const name = decodeURIComponent(m[1]);
      window.__bench.responses[name] = performance.now();
      // when the body has arrived and is parsed: the rest of "data shown" is the page's own work
      const json = res.json.bind(res);
      res.json = async () => { const v = await json(); window.__bench.parsed[name] = performance.now(); return v; };
    }
    return res;
  };
  new MutationObserver(() => {
    for (const sel of (window.__benchWatch || [])) if (!(sel in window.__bench.shown) && document.querySelector(sel)) window.__bench.shown[sel] = performance.now();
  }).observe(document, { childList: true, subtree: true });
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longtasks.push({ at: e.startTime, ms: e.duration }); }).observe({ type: 'longtask', buffered: true }); } catch {}
`;

/** Scrolls the list down and back one step per frame; plain JS (runs in the page as is). */
const SCROLL = `async (sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error('no scroll container ' + sel);
    const b = window.__bench;
    const start = performance.now();
    const deltas = [];
    let last = performance.now();
    const max = () => el.scrollHeight - el.clientHeight;
    const step = 60; // px per frame: a brisk wheel scroll (3,600 px/s)
    await new Promise((resolve) => {
      // three stretches of 120 frames: down from the top, down from the middle (a scrollbar drag),
      // up from the bottom
      const starts = [0, 0.5, 1];
      const maxTop = max();
      let top = 0;
      let seg = 0;
      let n = 0;
      const tick = (t) => {
        deltas.push(t - last);
        last = t;
        // no layout read inside the loop (it would force a synchronous layout every frame)
        if (n === 0) { top = Math.round(starts[seg] * maxTop); el.scrollTop = top; }
        else { top = Math.max(0, Math.min(maxTop, top + (seg === 2 ? -step : step))); el.scrollTop = top; }
        n++;
        if (n === 120) { n = 0; seg++; }
        if (seg === starts.length) return resolve();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame((t) => {
        last = t;
        requestAnimationFrame(tick);
      });
    });
    const end = performance.now();
    const frame = 1000 / 60;
    const sorted = [...deltas].sort((a, c) => a - c);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    const dropped = deltas.reduce((n, d) => n + (d > 1.5 * frame ? Math.round(d / frame) - 1 : 0), 0);
    const lts = b.longtasks.filter((l) => l.at >= start && l.at <= end);
    const rows = el.querySelectorAll('tbody tr:not(.vpad)').length;
    return { frames: deltas.length, median: q(0.5), p95: q(0.95), dropped, longTasks: lts.length, longTaskMs: lts.reduce((s, l) => s + l.ms, 0), rows, scrollPx: el.scrollHeight };
}`;

interface ScreenFigures {
  screen: string;
  call: string;
  dataShownMs: number;
  frames: number;
  medianFrameMs: number;
  p95FrameMs: number;
  dropped: number;
  longTasks: number;
  longTaskMs: number;
  domRows: number;
  scrollPx: number;
}

/** Opens the app afresh on the screen (the engine restores the session), so the screen's call is made and answered now. */
async function measureScreen(page: Page, open: () => Promise<void>, call: string, rowSel: string, scrollSel: string, screen: string): Promise<ScreenFigures> {
  await page.addInitScript(`window.__benchWatch = ${JSON.stringify([rowSel])};`);
  await open();
  try {
    await page.waitForFunction(([c, sel]) => {
      const b = (window as unknown as { __bench: { shown: Record<string, number>; responses: Record<string, number> } }).__bench;
      return c! in b.responses && sel! in b.shown;
    }, [call, rowSel], { timeout: 300_000, polling: 100 });
  } catch (e) {
    await page.screenshot({ path: path.join(os.tmpdir(), `bench-gui-${screen}.png`) });
    throw e;
  }
  const { dataShownMs, callMs, bodyMs } = await page.evaluate(([c, sel]) => {
    const b = (window as unknown as { __bench: { shown: Record<string, number>; requests: Record<string, number>; responses: Record<string, number>; parsed: Record<string, number> } }).__bench;
    return { dataShownMs: b.shown[sel!]! - b.responses[c!]!, callMs: b.responses[c!]! - (b.requests[c!] ?? b.responses[c!]!), bodyMs: b.parsed[c!] !== undefined ? b.parsed[c!]! - b.responses[c!]! : null };
  }, [call, rowSel]);
  console.error(`${screen}: ${call} answered ${Math.round(callMs)} ms after the request (the engine's time and the headers)${bodyMs !== null ? `; body read and parsed ${Math.round(bodyMs)} ms after the headers, first row ${Math.round(dataShownMs - bodyMs)} ms after that` : ''}`);
  await page.waitForTimeout(1500); // let the screen settle (secondary queries) before scrolling

  const profile = process.argv.includes('--profile');
  const cdp = profile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  // --trace: a Chromium performance trace of the scroll, summarised (main-thread time by event)
  const traceArg = process.argv.indexOf('--trace');
  const browser = traceArg > 0 ? page.context().browser() : null;
  const traceFile = traceArg > 0 ? path.join(process.argv[traceArg + 1] ?? os.tmpdir(), `bench-gui-${screen}.trace.json`) : null;
  if (browser && traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] });
  const scroll = (await page.evaluate(`(${SCROLL})(${JSON.stringify(scrollSel)})`)) as { frames: number; median: number; p95: number; dropped: number; longTasks: number; longTaskMs: number; rows: number; scrollPx: number };
  if (browser && traceFile) {
    await browser.stopTracing();
    summariseTrace(traceFile, screen);
  }
  if (cdp) {
    const { profile: prof } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
    const byId = new Map(prof.nodes.map((nd) => [nd.id, nd]));
    const self = new Map<string, number>();
    prof.samples.forEach((id, i) => {
      const nd = byId.get(id)!;
      const k = `${nd.callFrame.functionName || '(anon)'} ${nd.callFrame.url.split('/').pop()}:${nd.callFrame.lineNumber}`;
      self.set(k, (self.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
    });
    console.error(`profile of ${screen} while scrolling (self ms):`);
    for (const [k, ms] of [...self].sort((a, c) => c[1] - a[1]).slice(0, 15)) console.error(`  ${ms.toFixed(0).padStart(6)}  ${k}`);
  }
  const shots = process.argv.indexOf('--screenshots');
  if (shots > 0) {
    // the list scrolled back to the top, as a user opening the screen sees it
    await page.evaluate((sel) => document.querySelector(sel)?.scrollTo({ top: 0 }), scrollSel);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(process.argv[shots + 1] ?? os.tmpdir(), `bench-gui-${screen.toLowerCase()}-${N}.png`) });
  }
  return {
    screen,
    call,
    dataShownMs,
    frames: scroll.frames,
    medianFrameMs: scroll.median,
    p95FrameMs: scroll.p95,
    dropped: scroll.dropped,
    longTasks: scroll.longTasks,
    longTaskMs: scroll.longTaskMs,
    domRows: scroll.rows,
    scrollPx: scroll.scrollPx,
  };
}

/** Main-thread time of the page's renderer by trace event (self time: children subtracted), the top 12. */
function summariseTrace(file: string, screen: string): void {
  interface Ev { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } }
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: Ev[] } | Ev[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return;
  const complete = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: Ev[] = [];
  for (const e of complete) {
    while (stack.length && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    stack.push(e);
  }
  console.error(`trace of ${screen} while scrolling (${file}), main-thread self ms:`);
  for (const [k, us] of [...self].sort((a, c) => c[1] - a[1]).slice(0, 12)) console.error(`  ${(us / 1000).toFixed(0).padStart(6)}  ${k}`);
}

async function main(): Promise<void> {
  const load = os.loadavg()[0]!.toFixed(1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-bench-gui-data-'));
  const project = generateProject(N);
  const staticDir = await ensureWebBundle((m) => console.error(m));
  const ctx = createContext({ mode: 'browser', dataDir });
  const bridge = await startBridge({ ctx, staticDir });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(INSTRUMENT);
    // the body size of each screen's call (what the page downloads and parses before it can show a row)
    const bodyBytes = new Map<string, number>();
    page.on('requestfinished', (req) => {
      const m = /\/api\/call\/([^?]+)/.exec(req.url());
      if (m) void req.sizes().then((sz) => bodyBytes.set(decodeURIComponent(m[1]!), sz.responseBodySize)).catch(() => undefined);
    });
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const res = await page.request.post(`${bridge.url}api/call/${name}`, { data: input });
      const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
      if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
      return body.value as T;
    };
    await page.goto(`${bridge.url}?token=${bridge.token}`);
    const target = process.env.DATABASE_URL ? { kind: 'url', url: process.env.DATABASE_URL, tls: { mode: 'disable' } } : { kind: 'embedded' };
    const conn = await call<{ id: string; label: string }>('connection/open', { target });
    const openOn = (screen: string) => async () => {
      await call('session/set', { connectionId: conn.id, projectDir: project.dir, screen });
      await page.goto(`${bridge.url}?token=${bridge.token}`);
    };

    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]! : null;
    const figures: ScreenFigures[] = [];
    const screens = [
      { id: 'migrations', name: 'Migrations', call: 'project/status', row: '[data-testid="migration-row"]', scroll: '.vscroll' },
      { id: 'runner', name: 'Runner', call: 'runner/plan', row: '[data-testid^="plan-migration-"]', scroll: '.plan-scroll' },
      { id: 'risk', name: 'Risk', call: 'risk/report', row: '[data-risk-row]', scroll: '.risk-scroll' },
    ];
    for (const sc of screens) {
      if (only && only !== sc.id) continue;
      try {
        const f = await measureScreen(page, openOn(sc.id), sc.call, sc.row, sc.scroll, sc.name);
        figures.push(f);
        const kb = bodyBytes.get(sc.call);
        console.error(`${sc.name}: data shown ${Math.round(f.dataShownMs)} ms after the response${kb !== undefined ? ` (a body of ${(kb / 1024 / 1024).toFixed(1)} MB)` : ''}, ${f.dropped} dropped of ${f.frames} frames`);
      } catch (e) {
        console.error(`${sc.name}: not measured (${(e as Error).message.split('\n')[0]}); screenshot in ${os.tmpdir()}/bench-gui-${sc.name}.png`);
      }
    }
    console.log(`\nbench/gui — ${N.toLocaleString('en')} pending migrations, Chromium ${browser.version()} headless, 1400×900, load average ${load} (1 min) at start, ${os.loadavg()[0]!.toFixed(1)} at end\n`);
    console.log('| screen | call | data shown after the response | frames scrolled | median / p95 frame | dropped frames | long tasks (total) | rows in the DOM | list height |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const f of figures) {
      console.log(
        `| ${f.screen} | ${f.call} | ${Math.round(f.dataShownMs)} ms | ${f.frames} | ${f.medianFrameMs.toFixed(1)} / ${f.p95FrameMs.toFixed(1)} ms | ${f.dropped} (${((100 * f.dropped) / Math.max(1, f.frames + f.dropped)).toFixed(1)} %) | ${f.longTasks} (${Math.round(f.longTaskMs)} ms) | ${f.domRows} | ${Math.round(f.scrollPx).toLocaleString('en')} px |`,
      );
    }
  } finally {
    await browser.close();
    await bridge.close();
    await ctx.close();
    fs.rmSync(project.dir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
