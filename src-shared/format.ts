/** Formatting shared by the CLI, the engine's messages and the screens. */

/** 0.4 ms, 12 ms, 3.2 s, 14 min, 2.5 h */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** "blocked 2 sessions (checkout, reports): the longest waited at least 1.4 s (lock monitor, every 1.0 s)" — the CLI and the Runner alike */
export function blockedOthersText(b: { sessions: number; longestWaitMs: number; sampledEveryMs: number; who: string[] }): string {
  return `blocked ${b.sessions} session${b.sessions === 1 ? '' : 's'}${b.who.length ? ` (${b.who.join(', ')})` : ''}: the longest waited at least ${formatDuration(b.longestWaitMs)} (lock monitor, every ${formatDuration(b.sampledEveryMs)})`;
}

/** 512 B, 3.4 kB, 120 MB, 1.2 GB (powers of 1024, as PostgreSQL's pg_size_pretty) */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let b = bytes;
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b < 10 ? b.toFixed(1) : Math.round(b)} ${units[i]}`;
}

/**
 * A risk score as every face shows it — the badge, the charts, the Approve button, the audit
 * trail, the CLI and the Apply dialog: one decimal, as the model rounds it (32.5, 7.0).
 */
export function formatScore(score: number): string {
  return (Math.round(score * 10) / 10).toFixed(1);
}
