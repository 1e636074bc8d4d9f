/* eslint-disable no-control-regex -- terminal escape sequences are what these tests look for */
/**
 * CLI manners: colour only on a terminal and never with NO_COLOR/--no-color, --quiet, examples in
 * every --help, shell completion, progress on stderr only, and the exit codes of the README.
 * Terminal behaviour is checked in a real pseudo-terminal (`script` from util-linux).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../../src-main/cli';
import { completionScript, formatChoices } from '../../../src-main/cli/commands/completion';
import { allCommands, commandPath } from '../../../src-main/cli/help';
import { Progress, setManners, useColor } from '../../../src-main/cli/terminal';
import { EXIT } from '../../../src-shared/errors';
import { bin, confiture, repo } from '../../integration/cli/run-cli';

// real processes on a loaded machine
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-manners-'));
  fs.writeFileSync(path.join(dir, 'bad.sql'), 'CREATE INDEX i ON orders (a);\n');
  fs.writeFileSync(path.join(dir, 'broken.sql'), 'ALTER TABLE orders ADD COLUM note text;\n');
  fs.writeFileSync(path.join(dir, 'clean.sql'), 'SET lock_timeout = 1000;\nSET statement_timeout = 5000;\nSELECT 1;\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => setManners({ color: true, quiet: false, progress: 'auto' }));

/** Runs the CLI in a pseudo-terminal: stdout and stderr both are a TTY (and are merged). */
function inTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const cmd = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const e: NodeJS.ProcessEnv = { ...process.env, CONFITURE_LOG_LEVEL: 'silent', TERM: 'xterm', ...env };
    delete e.VITEST;
    delete e.NO_COLOR;
    if (env.NO_COLOR) e.NO_COLOR = env.NO_COLOR;
    execFile('script', ['-qec', cmd, '/dev/null'], { cwd: repo, env: e, timeout: 120_000 }, (_err, stdout) => resolve(stdout));
  });
}

describe('colour', () => {
  it('paints lint findings on a terminal, not with NO_COLOR or --no-color, never into a pipe', async () => {
    const file = path.join(dir, 'bad.sql');
    const [tty, noColorEnv, noColorFlag, piped] = await Promise.all([inTerminal(['lint', file]), inTerminal(['lint', file], { NO_COLOR: '1' }), inTerminal(['lint', '--no-color', file]), confiture(['lint', file])]);
    expect(tty).toContain('\x1b[31m');
    expect(piped.stderr).not.toMatch(/\x1b\[[0-9;]*m/);
    for (const out of [noColorEnv, noColorFlag, piped.stdout]) {
      expect(out).toContain('require-concurrent-index-creation');
      // colour (SGR) sequences; the progress line may still be redrawn on a terminal
      expect(out).not.toMatch(/\x1b\[[0-9;]*m/);
    }
  });

  it('decides from the stream, the flag and NO_COLOR', () => {
    const tty = { isTTY: true };
    expect(useColor(tty)).toBe(true);
    expect(useColor({ isTTY: false })).toBe(false);
    setManners({ color: false });
    expect(useColor(tty)).toBe(false);
    setManners({ color: true });
    vi.stubEnv('NO_COLOR', '1');
    expect(useColor(tty)).toBe(false);
    vi.unstubAllEnvs();
  });
});

describe('progress', () => {
  function fakeStream(isTTY: boolean) {
    const chunks: string[] = [];
    return { isTTY, chunks, write: (s: string) => (chunks.push(s), true) };
  }

  it('draws nothing before the delay, then the label with elapsed time in place on a terminal, and clears it', () => {
    let now = 0;
    const s = fakeStream(true);
    const p = new Progress({ stream: s, mode: 'auto', quiet: false, delayMs: 2000, now: () => now }).start('lint');
    p.tick();
    now = 1999;
    p.tick();
    expect(s.chunks).toEqual([]);
    now = 2500;
    p.set('linting: 1200/3000 files', false);
    expect(s.chunks.at(-1)).toBe('\r\x1b[2Klinting: 1200/3000 files … 2.5 s');
    p.stop();
    expect(s.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('is silent off a terminal unless asked, and then writes whole lines at most once a second', () => {
    let now = 0;
    const quiet = fakeStream(false);
    const auto = new Progress({ stream: quiet, mode: 'auto', quiet: false, delayMs: 0, now: () => now }).start('x');
    now = 5000;
    auto.tick();
    auto.stop();
    expect(quiet.chunks).toEqual([]);
    const s = fakeStream(false);
    now = 0;
    const p = new Progress({ stream: s, mode: 'always', quiet: false, delayMs: 0, intervalMs: 1000, now: () => now }).start('migrate');
    now = 1000;
    p.tick();
    now = 1500;
    p.tick();
    now = 2100;
    p.tick();
    p.stop();
    expect(s.chunks).toEqual(['migrate … 1.0 s\n', 'migrate … 2.1 s\n']);
  });

  it('is silent with --quiet or --no-progress even when asked on a terminal', () => {
    for (const o of [{ quiet: true, mode: 'always' as const }, { quiet: false, mode: 'never' as const }]) {
      const s = fakeStream(true);
      const p = new Progress({ stream: s, delayMs: 0, now: () => 10_000, ...o }).start('x');
      p.tick();
      p.stop();
      expect(s.chunks).toEqual([]);
    }
  });

  it('counts files while lint works through thousands of them, on stderr only', async () => {
    const many = path.join(dir, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(many, `${String(i).padStart(4, '0')}.sql`), `SELECT ${i};\n`);
    const r = await confiture(['lint', many, '--progress', '--format', 'json'], { env: { CONFITURE_PROGRESS_DELAY_MS: '0' } });
    expect(r.stderr).toMatch(/linting: \d+\/2000 files … \d+\.\d s/);
    expect(r.stdout).not.toContain('linting:');
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { files: 2000 } });
    const silent = await confiture(['lint', many, '--format', 'json'], { env: { CONFITURE_PROGRESS_DELAY_MS: '0' } });
    expect(silent.stderr).not.toContain('linting:');
    const tty = await inTerminal(['lint', many, '--format', 'json'], { CONFITURE_PROGRESS_DELAY_MS: '0' });
    expect(tty).toMatch(/\r\x1b\[2Klinting: \d+\/2000 files/);
  });
});

describe('--quiet', () => {
  it('keeps results and errors, drops notes', async () => {
    const broken = path.join(dir, 'broken.sql');
    const [loud, quiet] = await Promise.all([confiture(['lint', broken]), confiture(['lint', '--quiet', broken])]);
    expect(loud.stderr).toContain('could not be parsed');
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('parse-error');
    expect(quiet.code).toBe(EXIT.usage);
  });
});

describe('--help', () => {
  it('shows examples for every command', async () => {
    const program = buildProgram(() => undefined);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    try {
      for (const c of allCommands(program)) {
        out.length = 0;
        await program.parseAsync(['node', 'confiture', ...commandPath(c).split(' '), '--help']).catch(() => undefined);
        expect(out.join(''), commandPath(c)).toMatch(/\nExamples:\n {2}\$ confiture /);
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe('completion', () => {
  const program = buildProgram(() => undefined);

  /** Completes `words` (the last one being typed) with the generated bash script. */
  function complete(words: string[]): Promise<string[]> {
    const script = path.join(dir, 'confiture.bash');
    fs.writeFileSync(script, completionScript(program, 'bash'));
    const line = `source '${script}'; COMP_WORDS=(${['confiture', ...words].map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _confiture; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return new Promise((resolve, reject) => execFile('bash', ['-c', line], (err, stdout) => (err ? reject(err) : resolve(stdout.split('\n').filter(Boolean)))));
  }

  it('completes commands, subcommands, options and --format values in bash', async () => {
    expect(await complete(['m'])).toEqual(['migrate', 'metrics']);
    expect(await complete(['migrate', ''])).toEqual(['up', 'down', 'dry-run', 'status']);
    expect(await complete(['lint', '--format', ''])).toEqual(['text', 'json', 'sarif', 'gitlab', 'markdown']);
    expect(await complete(['migrate', '--db', 'x', 'up', '--st'])).toEqual(['--steps']);
    expect(await complete(['--no-co'])).toEqual(['--no-color']);
  });

  it('completes in zsh and fish too (their own shells, installed by scripts/ensure-validators.mjs)', async () => {
    const zshScript = path.join(dir, '_confiture');
    const fishScript = path.join(dir, 'confiture.fish');
    fs.writeFileSync(zshScript, completionScript(program, 'zsh'));
    fs.writeFileSync(fishScript, completionScript(program, 'fish'));
    const sh = (cmd: string, args: string[]) => new Promise<string>((resolve, reject) => execFile(cmd, args, { cwd: dir }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${stderr || err.message}`)) : resolve(stdout))));
    // zsh: the completion function with compsys' builtins stubbed to print what they are offered
    const zsh = await sh('zsh', [
      '-c',
      `compdef() { : }; _describe() { print -l -- \${(P)4} }; compadd() { shift; print -l -- "$@" }; _files() { print FILES }; _message() { : }
       source '${zshScript}'
       words=(confiture migrate ''); CURRENT=3; _confiture; print -- ---
       words=(confiture lint --format ''); CURRENT=4; _confiture; print -- ---
       words=(confiture --db x migrate up --st); CURRENT=6; _confiture`,
    ]);
    const [subs, formats, opts] = zsh.split('---\n').map((b) => b.split('\n').filter(Boolean).map((l) => l.split(':')[0]));
    expect(subs).toEqual(['up', 'down', 'dry-run', 'status']);
    expect(formats).toEqual(['text', 'json', 'sarif', 'gitlab', 'markdown']);
    expect(opts).toContain('--steps');
    const fish = await sh('fish', ['-n', fishScript]).then(() => sh('fish', ['-c', `source '${fishScript}'; complete -C 'confiture migrate '; echo ---; complete -C 'confiture lint --format '`]));
    const [fSubs, fFormats] = fish.split('---\n').map((b) => b.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort());
    expect(fSubs).toEqual(['down', 'dry-run', 'status', 'up']);
    expect(fFormats).toEqual(['gitlab', 'json', 'markdown', 'sarif', 'text']);
  });

  it('prints zsh and fish scripts that name every command', () => {
    const zsh = completionScript(program, 'zsh');
    const fish = completionScript(program, 'fish');
    expect(zsh.startsWith('#compdef confiture\n')).toBe(true);
    for (const c of allCommands(program)) {
      expect(zsh).toContain(`'${c.name()}:`);
      expect(fish).toContain(`-a '${c.name()}'`);
    }
    expect(fish).toContain("-l format -x -a 'text json sarif gitlab markdown'");
  });

  it('reads --format values from the option description', () => {
    const lint = program.commands.find((c) => c.name() === 'lint')!;
    expect(formatChoices(lint.options.find((o) => o.long === '--format')!)).toEqual(['text', 'json', 'sarif', 'gitlab', 'markdown']);
  });

  it('refuses an unknown shell with exit 2', async () => {
    const r = await confiture(['completion', 'powershell']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('bash, zsh, fish');
  });
});

describe('exit codes, as the README says', () => {
  it('lint: 0 clean, 1 findings at failOn, 2 unparseable SQL (also in SARIF invocations), 2 bad flag', async () => {
    const [clean, findings, broken, sarif, badFlag] = await Promise.all([
      confiture(['lint', path.join(dir, 'clean.sql')]),
      confiture(['lint', path.join(dir, 'bad.sql')]),
      confiture(['lint', path.join(dir, 'broken.sql'), path.join(dir, 'bad.sql')]),
      confiture(['lint', path.join(dir, 'broken.sql'), '--format', 'sarif']),
      confiture(['lint', '--no-such-flag']),
    ]);
    expect([clean.code, findings.code, broken.code, sarif.code, badFlag.code]).toEqual([0, 1, 2, 2, 2]);
    expect((JSON.parse(sarif.stdout) as { runs: { invocations: { exitCode: number }[] }[] }).runs[0]!.invocations[0]!.exitCode).toBe(2);
  });

  it('the README and the CLI reference name unparseable SQL under exit code 2', () => {
    for (const doc of ['README.md', 'docs/reference/cli.md']) {
      const row = fs.readFileSync(path.join(repo, doc), 'utf8').split('\n').find((l) => /^\| 2 \|/.test(l));
      expect(row, doc).toMatch(/unparseable SQL/);
    }
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toMatch(/^\| 1 \| policy failure/m);
  });
});
