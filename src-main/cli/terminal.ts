/**
 * CLI manners shared by every command: colour (`NO_COLOR`, `--no-color`), `--quiet`, and the
 * progress line on stderr.
 *
 * Progress is drawn only on stderr, only once an operation has lasted 2 s, and only when stderr
 * is a terminal, unless `--progress` asks for it (then, off a terminal, one line per update at
 * most every second: a CI log stays readable). stdout never carries progress.
 */

export interface CliManners {
  /** `--no-color` or NO_COLOR */
  color: boolean;
  /** `--quiet`: only results and errors */
  quiet: boolean;
  /** `--progress` forces progress off a terminal; `--no-progress` disables it */
  progress: 'auto' | 'always' | 'never';
}

const manners: CliManners = { color: true, quiet: false, progress: 'auto' };

export function setManners(m: Partial<CliManners>): void {
  Object.assign(manners, m);
}

export function currentManners(): Readonly<CliManners> {
  return manners;
}

/** NO_COLOR (https://no-color.org): any non-empty value disables colour. */
export function noColorEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.NO_COLOR ?? '') !== '';
}

/** Colour on this stream: a terminal, and neither `--no-color` nor NO_COLOR. */
export function useColor(stream: { isTTY?: boolean } = process.stdout): boolean {
  return manners.color && !noColorEnv() && stream.isTTY === true;
}

/** An informational line on stderr (hook results, notes); silent with `--quiet`. */
export function notice(line: string): void {
  if (!manners.quiet) process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** How long an operation runs before its progress is shown. */
export function progressDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.CONFITURE_PROGRESS_DELAY_MS);
  return Number.isFinite(v) && v >= 0 && env.CONFITURE_PROGRESS_DELAY_MS !== '' ? v : 2000;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): boolean;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** 'auto': only on a terminal */
  mode?: CliManners['progress'];
  quiet?: boolean;
  delayMs?: number;
  /** repaint interval on a terminal; off a terminal, the minimum time between two lines */
  intervalMs?: number;
  now?: () => number;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
}

/**
 * One progress line for the operation under way. `set(label)` changes what it says (a statement,
 * a file counter); elapsed time is added. Nothing is written before `delayMs`.
 */
export class Progress {
  private readonly write: (s: string) => boolean;
  private readonly enabled: boolean;
  private readonly tty: boolean;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private started = 0;
  private label = '';
  /** after the elapsed time: the locks a statement holds, whom it waits for */
  private detail = '';
  /** when the current label was set: elapsed time is the label's (a statement's), not the command's */
  private labelSince = 0;
  private timer: NodeJS.Timeout | null = null;
  private drawn = false;
  private lastLine = '';
  private lastLabel = '';
  private lastLineAt = Number.NEGATIVE_INFINITY;

  constructor(opts: ProgressOptions = {}) {
    const stream = opts.stream ?? process.stderr;
    // bound now: beginActivity wraps process.stderr.write to clear the line first
    this.write = stream.write.bind(stream);
    this.tty = stream.isTTY === true;
    const mode = opts.mode ?? manners.progress;
    this.enabled = !(opts.quiet ?? manners.quiet) && mode !== 'never' && (mode === 'always' || this.tty);
    this.delayMs = opts.delayMs ?? progressDelayMs();
    this.intervalMs = opts.intervalMs ?? (this.tty ? 200 : 1000);
    this.now = opts.now ?? (() => performance.now());
  }

  get active(): boolean {
    return this.enabled;
  }

  /** drawn in place on a terminal (vs one line per update) */
  get inPlace(): boolean {
    return this.enabled && this.tty;
  }

  start(label: string): this {
    this.started = this.labelSince = this.now();
    this.label = label;
    if (!this.enabled || this.timer) return this;
    this.timer = setInterval(() => this.tick(), Math.min(this.intervalMs, Math.max(50, this.delayMs || 50)));
    this.timer.unref();
    return this;
  }

  /** Changes the label; `restart` measures elapsed time from now (a new statement). */
  set(label: string, restart = true, detail = ''): void {
    if (restart && label !== this.label) this.labelSince = this.now();
    this.label = label;
    this.detail = detail;
    if (this.enabled && this.timer) this.tick();
  }

  /** The line as it would be drawn now. */
  line(): string {
    return `${this.label} … ${seconds(this.now() - this.labelSince)}${this.detail ? ` — ${this.detail}` : ''}`;
  }

  tick(): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.started < this.delayMs) return;
    const line = this.line();
    if (this.tty) {
      this.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (t - this.lastLineAt >= this.intervalMs && line !== this.lastLine) {
      this.write(`${line}\n`);
      this.lastLine = line;
      this.lastLabel = this.label;
      this.lastLineAt = t;
    }
  }

  /** Clears the line (on a terminal) so what follows starts on a clean line. */
  clear(): void {
    if (this.tty && this.drawn) {
      this.write('\r\x1b[2K');
      this.drawn = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // off a terminal, lines are at most one a second: once some were written, the last state is
    // written too (a short run still says how far it got: "linting: 2000/2000 files")
    if (this.enabled && !this.tty && this.lastLine !== '' && this.label !== this.lastLabel) {
      this.write(`${this.line()}\n`);
      this.lastLabel = this.label;
    }
    this.clear();
  }
}

let current: Progress | null = null;
let restoreWrites: (() => void) | null = null;

/** While a line is drawn in place, anything else written to the terminal first clears it. */
function clearBeforeWrites(p: Progress): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  streams.forEach((s, i) => {
    const original = originals[i]!;
    s.write = function (this: NodeJS.WriteStream, ...args: Parameters<typeof original>) {
      p.clear();
      return original.apply(this, args);
    } as typeof original;
  });
  return () => streams.forEach((s, i) => (s.write = originals[i]!));
}

/** The progress line of the command being run (a disabled one outside a command). */
export function activity(): Progress {
  return (current ??= new Progress({ mode: 'never' }));
}

/** Starts the command's progress line; the CLI calls it before each action. */
export function beginActivity(label: string): Progress {
  endActivity();
  current = new Progress().start(label);
  if (current.inPlace) restoreWrites = clearBeforeWrites(current);
  return current;
}

export function endActivity(): void {
  current?.stop();
  current = null;
  restoreWrites?.();
  restoreWrites = null;
}
