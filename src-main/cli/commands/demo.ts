import type { Command } from 'commander';
import { EXIT } from '../../../src-shared/errors';
import type { SeedProgress } from '../../../src-shared/contract/app';
import { seedDemo } from '../../demo';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { openSession } from '../session';
import { activity } from '../terminal';

export function registerDemo(program: Command, setExit: (code: number) => void): void {
  const demo = program.command('demo').description('The demo shop project that ships with Confiture');
  demo
    .command('seed')
    .description('Apply the demo migrations up to its baseline and fill it with realistic volumes (skipped when already seeded)')
    .option('--scale <n>', 'volume multiplier (1 = ~2.5 million rows)', '1')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server, database confiture_demo)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: { scale: string; db?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        const scale = Number(opts.scale);
        if (!Number.isFinite(scale) || scale <= 0 || scale > 10) throw new UsageError(`--scale must be a number above 0 and at most 10 (got "${opts.scale}")`);
        const session = await openSession(opts.db, 'confiture_demo');
        try {
          const off = session.ctx.streams.subscribe('demo/seedProgress', session.connection.id, (e) => {
            const p = e as SeedProgress;
            activity().set(`seeding [${p.done}/${p.total}] ${p.step}`, false);
          });
          const r = await seedDemo(session.ctx, session.connection.id, scale);
          off();
          if (format === 'json') printJson(r);
          else process.stdout.write(r.skipped ? `already seeded (${r.rows} rows)\n` : `seeded ${r.rows} rows in ${r.seconds.toFixed(1)} s\n`);
          setExit(EXIT.ok);
        } finally {
          await session.close();
        }
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
