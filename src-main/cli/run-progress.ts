/**
 * The progress line of `migrate up|down|dry-run`: the statement running, for how long, and the
 * locks our session holds (from the engine's lock monitor), or who we wait for.
 *
 *   0007_add_orders_currency: statement 2 (alter_table, line 6) … 4.2 s — holds AccessExclusiveLock on shop.orders
 *
 * Off a terminal (`--progress` in CI) the same line is printed at most once a second.
 */
import type { LockMonitorSnapshot, RunnerEvent } from '../../src-shared/domain/runner';
import type { EngineStream } from '../engine';
import { activity } from './terminal';

export function runProgressListener(): (stream: EngineStream, topic: string, event: unknown) => void {
  let migration = '';
  let statement = '';
  let locks = '';
  const show = (restart: boolean) => activity().set(`${migration}${statement ? `: ${statement}` : ''}`, restart, locks);
  return (stream, _topic, event) => {
    if (stream === 'locks/monitor') {
      const s = event as LockMonitorSnapshot;
      const held = s.ourLocks.map((l) => `${l.mode} on ${l.relation}`);
      locks = s.waiting && s.blockers.length ? `waiting for a lock held by ${s.blockers.map((b) => `pid ${b.pid}${b.mode ? ` (${b.mode})` : ''}`).join(', ')}` : held.length ? `holds ${held.join(', ')}` : '';
      if (statement) show(false);
      return;
    }
    const e = event as RunnerEvent;
    if (e.type === 'migration_started') {
      migration = `${e.version}_${e.name}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
      statement = '';
      locks = '';
      show(true);
    } else if (e.type === 'statement_started') {
      statement = `statement ${e.index + 1} (${e.kind}, line ${e.line})`;
      locks = '';
      show(true);
    } else if (e.type === 'retry') {
      statement = `retry in ${Math.round(e.delayMs)} ms: ${e.reason}`;
      show(true);
    }
  };
}
