/**
 * The Apply dialog's list of what is about to run: each pending migration's risk (the same
 * number as the Risk screen's badge) and approval state, and which ones the approval gate will
 * refuse. Migrations run in order, so everything after a refused one waits.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ApplyPreflight } from '../../../../src-shared/domain/risk';
import { ApprovalBadge, RiskBadge } from '../../screens/RiskScreen';
import { ErrorPanel, Loading } from '../StateViews';

export function ApplyApprovals({ preflight }: { preflight: UseQueryResult<ApplyPreflight> }) {
  if (preflight.isLoading || (preflight.isFetching && !preflight.data)) return <Loading label="Scoring the pending migrations and checking their approvals…" />;
  if (preflight.isError) return <ErrorPanel error={preflight.error} title="Cannot check the approvals: nothing will be applied" onRetry={() => void preflight.refetch()} />;
  const pf = preflight.data;
  if (!pf) return null;
  const firstRefused = pf.migrations.findIndex((m) => !m.allowed);
  return (
    <section aria-label="Risk and approval of each migration" data-testid="apply-approvals">
      <p className="small">
        {pf.threshold === null ? 'This project requires no approvals (risk.requireApprovalAbove: null).' : `This project requires an approval above ${pf.threshold} (risk.requireApprovalAbove).`}{' '}
        {pf.refused === 0 ? 'Every migration may run.' : <strong className="warning">{pf.refused} migration{pf.refused === 1 ? ' is' : 's are'} refused until approved; the run stops before the first.</strong>}
      </p>
      {!pf.verification.ok ? (
        <p className="warning small" role="alert" data-testid="apply-audit-broken">
          The approval audit log was tampered with: approvals after the break are revoked{pf.verification.revoked?.length ? ` (${pf.verification.revoked.join(', ')})` : ''}. {pf.verification.problems[0]?.message}
        </p>
      ) : null}
      <table className="apply-approvals">
        <thead>
          <tr>
            <th scope="col">Migration</th>
            <th scope="col">Risk</th>
            <th scope="col">Approval</th>
            <th scope="col">Will it run?</th>
          </tr>
        </thead>
        <tbody>
          {pf.migrations.map((m, i) => {
            const waits = firstRefused >= 0 && i > firstRefused && m.allowed;
            return (
              <tr key={m.version} className={m.allowed && !waits ? 'allowed' : 'refused'} data-testid={`apply-row-${m.version}`}>
                <td className="apply-migration">
                  <code>{m.version}</code> {m.name}
                </td>
                <td>
                  <RiskBadge level={m.level} score={m.score} />
                </td>
                <td>{m.required || m.state !== 'missing' ? <ApprovalBadge state={m.state} /> : <span className="muted small">not required</span>}</td>
                <td className="reason">
                  {!m.allowed ? (
                    <>
                      <strong>refused</strong> — {m.reason}
                      {m.state === 'revoked' ? null : (
                        <>
                          . Approve it on the Risk screen or run <code>confiture approve {m.version} --by NAME</code>.
                        </>
                      )}
                    </>
                  ) : waits ? (
                    'waits: an earlier migration is refused'
                  ) : (
                    'runs'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
