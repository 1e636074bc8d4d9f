import type { Command } from 'commander';
import { approvalContextFor, approvalState, assessForApproval, recordDecision } from '../../approval';
import { findMigration, openValidProject } from '../../project';
import { formatScore } from '../../../src-shared/format';
import { notice } from '../terminal';
import { parseFormat, printJson, reportError } from '../output';
import { embeddedDatabaseFor, openSession, targetFromOption } from '../session';

export function registerApprove(program: Command, setExit: (code: number) => void): void {
  program
    .command('approve')
    .argument('<version>', 'the migration to approve or reject')
    .description('Approve (or --reject) a migration; bound to its checksum and to the risk report computed now, recorded in approvals/')
    .requiredOption('--by <name>', 'who decides')
    .option('--comment <text>', 'why', '')
    .option('--reject', 'record a rejection instead of an approval')
    .option('--offline', 'do not connect: assess without a catalog (wider intervals); the decision is not anchored, so `migrate up` will not accept it')
    .option('--repair', 'after tampering: keep the audit entries before the break, archive the tampered files under approvals/tampered-<time>/, then record this decision')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
    .option('--anchor <url>', "anchor the decision in this database instead of --db's: a fleet's control database (`fleet.control`), where rollout workers verify approvals")
    .option('--format <format>', 'text or json', 'text')
    .action(async (version: string, opts: { by: string; comment: string; reject?: boolean; offline?: boolean; repair?: boolean; project: string; db?: string; anchor?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        const project = openValidProject(opts.project);
        const m = findMigration(project, version);
        const decision = opts.reject ? 'rejected' : 'approved';
        let out;
        if (opts.offline) {
          const risk = await assessForApproval(project, null, m.version);
          const rec = await recordDecision(project, null, { version: m.version, decision, by: opts.by, comment: opts.comment, risk }, { repair: opts.repair === true });
          out = { risk, rec, actx: await approvalContextFor(project, null) };
          notice('recorded offline: not anchored in a database, so `migrate up` will not accept this approval until it is given against the target database');
        } else {
          const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
          try {
            // the same computation as `confiture risk` and the Risk screen, recorded as computed
            const risk = await assessForApproval(project, session.pool, m.version);
            const anchor = opts.anchor ? session.ctx.connections.pool((await session.ctx.connections.openTarget(targetFromOption(opts.anchor))).id) : session.pool;
            const rec = await recordDecision(project, anchor, { version: m.version, decision, by: opts.by, comment: opts.comment, risk }, { repair: opts.repair === true });
            out = { risk, rec, actx: await approvalContextFor(project, anchor) };
          } finally {
            await session.close();
          }
        }
        const { risk, rec, actx } = out;
        const record = rec.record;
        const state = approvalState(project, m.version, risk, actx);
        const audit = actx.verification;
        if (format === 'json') {
          printJson({
            version: m.version,
            record,
            state: state.state,
            reason: state.reason,
            anchored: rec.anchored,
            ...(rec.repaired ? { repaired: { from: rec.repaired.from, archive: rec.repaired.archive } } : {}),
            audit: { ok: audit.ok, entries: audit.entries },
          });
        } else {
          if (rec.repaired) {
            const r = rec.repaired;
            const what =
              r.dropped > 0
                ? `audit entries ${r.from}${r.dropped > 1 ? `–${r.from + r.dropped - 1}` : ''} dropped (every approval after the break stays revoked until re-approved)`
                : 'the audit chain was intact; the approval files were rebuilt from it';
            process.stdout.write(`repaired: ${what}; tampered files kept in ${r.archive}\n`);
          }
          process.stdout.write(`${record.decision} ${m.version} ${m.name} at risk ${risk.level} (${formatScore(risk.score)}${risk.floors.length ? `; level raised by a floor: ${risk.floors.join('; ')}` : ''}) by ${record.by}${rec.anchored ? '' : ' (not anchored)'}\nstate: ${state.state} — ${state.reason}\naudit log: ${audit.entries} ${audit.entries === 1 ? 'entry' : 'entries'}, chain ${audit.ok ? 'intact' : 'BROKEN'}${audit.anchor?.checked ? `, ${audit.anchor.anchored} anchored in ${audit.anchor.database}` : ''}\n`);
        }
        setExit(0);
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
