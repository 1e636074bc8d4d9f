/**
 * CPU time of a bench peer, to report next to wall times: on a loaded machine wall time swings
 * with other people's work, CPU time much less.
 *
 * - client: the peer's own process — `process.cpuUsage()` for the engine (in this process), GNU
 *   `/usr/bin/time` for psql and dbmate (children);
 * - server: the PostgreSQL backends connected to the peer's database, read from `/proc/<pid>/stat`
 *   (utime + stime) — only when the server runs on this machine and /proc is readable. Backends are
 *   found in pg_stat_activity every 200 ms and their /proc entry read every 20 ms; a backend's last
 *   ≤ 20 ms before it exits are not seen (the same for every peer).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';

const TICK_MS = 10; // USER_HZ = 100 on Linux

function procCpuMs(pid: number): number | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export function localServer(url: string): boolean {
  const host = new URL(url).hostname;
  return (host === '127.0.0.1' || host === 'localhost' || host === '' || host === '::1') && fs.existsSync('/proc/self/stat');
}

/** Samples the CPU time of every backend connected to `database` until `stop()`; null when not measurable. */
export function serverCpu(admin: pg.Client, database: string, enabled: boolean): { stop(): Promise<number | null> } {
  if (!enabled) return { stop: async () => null };
  const last = new Map<number, number>();
  const first = new Map<number, number>();
  let stopped = false;
  let finding: Promise<void> | null = null;
  const find = async () => {
    const r = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    for (const { pid } of r.rows) {
      if (last.has(pid)) continue;
      const ms = procCpuMs(pid);
      // a backend found mid-run started with this peer (fresh database): count from 0
      if (ms !== null) {
        first.set(pid, 0);
        last.set(pid, ms);
      }
    }
  };
  const read = () => {
    for (const pid of last.keys()) {
      const ms = procCpuMs(pid);
      if (ms !== null) last.set(pid, ms);
    }
  };
  const fast = setInterval(read, 20);
  const slow = setInterval(() => {
    if (!finding && !stopped) finding = find().catch(() => undefined).finally(() => (finding = null));
  }, 200);
  void (finding = find().catch(() => undefined).finally(() => (finding = null)));
  return {
    async stop() {
      stopped = true;
      clearInterval(fast);
      clearInterval(slow);
      await finding;
      read();
      let total = 0;
      for (const [pid, ms] of last) total += ms - (first.get(pid) ?? 0);
      return total;
    },
  };
}

/** `/usr/bin/time` wrapping of a child command, and the user+system ms it reported. */
export function timedCommand(cmd: string, args: string[]): { cmd: string; args: string[]; cpuMs(): number | null } {
  const bin = '/usr/bin/time';
  if (!fs.existsSync(bin)) return { cmd, args, cpuMs: () => null };
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-time-')), 'time.txt');
  return {
    cmd: bin,
    args: ['-f', '%U %S', '-o', out, cmd, ...args],
    cpuMs() {
      try {
        const [u, s] = fs.readFileSync(out, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
        return ((u ?? 0) + (s ?? 0)) * 1000;
      } catch {
        return null;
      }
    },
  };
}
