/**
 * Seven ways to tamper with a project's approvals/ after "alice approved 0001 and 0002, then bob
 * rejected 0002" (three audit entries; approvals/1.json and 2.json). Each aims at letting the
 * rejected 0002 run. Shared by the CLI and GUI tests of issue 11 point 3.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from '../../src-shared/domain/risk';

export interface TamperTarget {
  /** the project folder */
  dir: string;
  /** a copy of approvals/ taken before the rejection */
  older: string;
}

const logOf = (s: TamperTarget) => path.join(s.dir, 'approvals', 'audit.log');
const lines = (s: TamperTarget) => fs.readFileSync(logOf(s), 'utf8').trim().split('\n');
const writeLines = (s: TamperTarget, ls: string[]) => fs.writeFileSync(logOf(s), ls.join('\n') + '\n');
const jsonOf = (s: TamperTarget, v: string) => path.join(s.dir, 'approvals', `${v}.json`);
const readJson = (s: TamperTarget, v: string) => JSON.parse(fs.readFileSync(jsonOf(s, v), 'utf8')) as { version: string; decisions: Record<string, unknown>[] };
const writeJson = (s: TamperTarget, v: string, j: unknown) => fs.writeFileSync(jsonOf(s, v), JSON.stringify(j, null, 2));

/** the attacker knows the chain is an unkeyed SHA-256 and recomputes it */
function rehash(e: Omit<AuditEntry, 'hash'>): string {
  return crypto.createHash('sha256').update(JSON.stringify([e.seq, e.at, e.version, e.decision, e.by, e.comment, e.checksum, e.riskHash, e.score, e.level, e.prevHash])).digest('hex');
}

export const TAMPERS: Record<string, (s: TamperTarget) => void> = {
  'edit the approval JSON (rejection turned into an approval)': (s) => {
    const j = readJson(s, '2');
    j.decisions[1]!.decision = 'approved';
    writeJson(s, '2', j);
  },
  'remove a rejection from the approval JSON': (s) => {
    const j = readJson(s, '2');
    j.decisions.pop();
    writeJson(s, '2', j);
  },
  'delete the last audit entry (and its decision in the JSON)': (s) => {
    writeLines(s, lines(s).slice(0, -1));
    const j = readJson(s, '2');
    j.decisions.pop();
    writeJson(s, '2', j);
  },
  'delete a middle audit entry': (s) => {
    const ls = lines(s);
    writeLines(s, [ls[0]!, ls[2]!]);
  },
  'recompute the unkeyed chain consistently (rejection replaced by an approval)': (s) => {
    const entries = lines(s).map((l) => JSON.parse(l) as AuditEntry);
    const last = entries[2]!;
    const forged: Omit<AuditEntry, 'hash'> = { ...last, decision: 'approved', by: 'bob', comment: 'ok after all' };
    delete (forged as Partial<AuditEntry>).hash;
    const hash = rehash(forged);
    writeLines(s, [JSON.stringify(entries[0]), JSON.stringify(entries[1]), JSON.stringify({ ...forged, hash })]);
    const j = readJson(s, '2');
    j.decisions[1] = { ...j.decisions[1], decision: 'approved', by: 'bob', comment: 'ok after all', auditHash: hash };
    writeJson(s, '2', j);
  },
  'reorder audit entries': (s) => {
    const ls = lines(s);
    writeLines(s, [ls[0]!, ls[2]!, ls[1]!]);
  },
  'replace approvals/ with an older copy': (s) => {
    fs.rmSync(path.join(s.dir, 'approvals'), { recursive: true });
    fs.cpSync(s.older, path.join(s.dir, 'approvals'), { recursive: true });
  },
};

