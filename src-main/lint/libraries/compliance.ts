/**
 * Compliance libraries. Each rule entry names the clause that motivates it; the checks support
 * an audit, they do not replace one (see docs/guides/compliance-libraries.md).
 */
import type { LibraryDefinition } from './types';

const AUDIT_TABLES = ['(^|_)audit(_|$)', '(^|_)audit_?log', 'access_log$', '_history$'];
const CLASSIFIED = ['^\\s*classification\\s*[:=]'];

const PHI = {
  categories: ['PHI'],
  columnPatterns: [
    '(^|_)ssn$',
    'social_security',
    '(^|_)mrn$',
    'medical_record',
    'diagnos',
    '(^|_)icd(9|10)?(_|$)',
    'prescription',
    'medication',
    'treatment',
    'lab_result',
    'insurance_(id|number|member)',
    'health_plan',
    '(^|_)dob$',
    'date_of_birth',
    'birth_date',
    'patient_name',
  ],
  commentLabels: ['\\bphi\\b', 'protected health'],
  classificationPatterns: CLASSIFIED,
  protectedTypes: ['bytea'],
  auditTablePatterns: AUDIT_TABLES,
};

const PII = {
  categories: ['PII'],
  columnPatterns: [
    '(^|_)e?mail(_address)?$',
    '(^|_)phone(_number)?$',
    '(^|_)mobile$',
    '(^|_)(first|last|full|given|family|sur)_?name$',
    '(^|_)address(_line\\d)?$',
    '(^|_)street$',
    '(^|_)(postcode|postal_code|zip(_code)?)$',
    '(^|_)ip_?addr(ess)?$',
    'date_of_birth',
    'birth_date',
    '(^|_)dob$',
    'national_id',
    'passport',
    '(^|_)ssn$',
    'tax_id',
    '(^|_)iban$',
  ],
  commentLabels: ['\\bpii\\b', 'personal data'],
  classificationPatterns: CLASSIFIED,
  protectedTypes: ['bytea'],
};

const CARDHOLDER = {
  categories: ['cardholder data'],
  columnPatterns: ['(^|_)pan$', 'card_?(number|no|num)', '(^|_)cc_?(number|num|no)$', 'credit_?card', 'cardholder_name', '(^|_)card_exp(iry|iration)?'],
  forbiddenColumnPatterns: ['(^|_)cvv2?$', '(^|_)cvc2?$', '(^|_)cid$', 'card_verification', 'track_?(1|2|data)', 'pin_?block', '(^|_)pin$'],
  commentLabels: ['\\bpci\\b', 'cardholder'],
  classificationPatterns: CLASSIFIED,
  protectedTypes: ['bytea'],
  auditTablePatterns: AUDIT_TABLES,
};

const FINANCIAL = {
  categories: ['financial records'],
  regulatedTablePatterns: ['ledger', 'journal', 'invoice', 'payment', 'general_ledger', '(^|_)gl_', 'account_balance', 'transactions?$', 'revenue', 'payroll'],
  auditTablePatterns: AUDIT_TABLES,
  auditColumns: ['created_at', 'created_by', 'updated_at', 'updated_by'],
};

export const hipaa: LibraryDefinition[] = [
  {
    name: 'hipaa',
    version: '1.0.0',
    description: 'HIPAA Security Rule (45 CFR Part 164 Subpart C) technical safeguards for tables holding PHI.',
    compliance: { regulation: 'HIPAA Security Rule', reference: 'https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C' },
    rules: [
      { id: 'sensitive-column-unprotected', severity: 'critical', options: PHI, clause: '45 CFR 164.312(a)(2)(iv) encryption and decryption; 164.312(e)(2)(ii)' },
      { id: 'sensitive-table-without-access-control', severity: 'error', options: PHI, clause: '45 CFR 164.312(a)(1) access control; 164.308(a)(4) information access management' },
      { id: 'grant-to-public', severity: 'error', clause: '45 CFR 164.312(a)(1) access control (unique user identification, least privilege)' },
      { id: 'audit-table-tampering', severity: 'critical', options: PHI, clause: '45 CFR 164.312(b) audit controls; 164.312(c)(1) integrity' },
      { id: 'security-definer-search-path', severity: 'error', clause: '45 CFR 164.312(a)(1) access control; 164.308(a)(1)(ii)(B) risk management' },
      { id: 'regulated-destructive-change', severity: 'error', options: PHI, clause: '45 CFR 164.312(c)(1) integrity; 164.308(a)(7)(ii)(A) data backup plan' },
      {
        id: 'retention-column-required',
        severity: 'warning',
        options: { ...PHI, retentionColumns: ['retain_until', 'retention_until', 'retention_expires_at'], retentionAppliesTo: ['audit'] },
        clause: '45 CFR 164.316(b)(2)(i) retain required documentation for 6 years',
      },
    ],
  },
];

export const gdpr: LibraryDefinition[] = [
  {
    name: 'gdpr',
    version: '1.0.0',
    description: 'GDPR (Regulation (EU) 2016/679) data-protection-by-design checks for tables holding personal data.',
    compliance: { regulation: 'GDPR', reference: 'https://eur-lex.europa.eu/eli/reg/2016/679/oj' },
    rules: [
      { id: 'sensitive-column-unprotected', severity: 'error', options: PII, clause: 'Art. 32(1)(a) pseudonymisation and encryption; Art. 25(1) data protection by design' },
      { id: 'sensitive-table-without-access-control', severity: 'error', options: PII, clause: 'Art. 25(2) data protection by default (access limited to what is necessary); Art. 32(1)(b)' },
      { id: 'grant-to-public', severity: 'error', clause: 'Art. 25(2) personal data not made accessible to an indefinite number of persons; Art. 5(1)(f)' },
      { id: 'security-definer-search-path', severity: 'error', clause: 'Art. 32(1)(b) ongoing confidentiality and integrity of processing systems' },
      { id: 'regulated-destructive-change', severity: 'error', options: PII, clause: 'Art. 5(1)(f) integrity (protection against accidental loss); Art. 5(2) accountability' },
      {
        id: 'retention-column-required',
        severity: 'warning',
        options: { ...PII, retentionColumns: ['retain_until', 'erase_after', 'retention_expires_at', 'anonymise_after'], retentionAppliesTo: ['regulated'] },
        clause: 'Art. 5(1)(e) storage limitation; Art. 17 right to erasure',
      },
    ],
  },
];

export const pciDss: LibraryDefinition[] = [
  {
    name: 'pci-dss',
    version: '1.0.0',
    description: 'PCI DSS v4.0 requirements that a schema migration can break: stored account data, access, audit trails, change control.',
    compliance: { regulation: 'PCI DSS v4.0', reference: 'https://www.pcisecuritystandards.org/document_library/' },
    rules: [
      { id: 'sensitive-column-unprotected', severity: 'critical', options: CARDHOLDER, clause: 'Req. 3.5.1 PAN rendered unreadable wherever it is stored' },
      { id: 'forbidden-sensitive-column', severity: 'critical', options: CARDHOLDER, clause: 'Req. 3.3.1 sensitive authentication data not retained after authorization' },
      { id: 'sensitive-table-without-access-control', severity: 'error', options: CARDHOLDER, clause: 'Req. 7.2.1 / 7.2.2 access assigned by need to know, least privilege' },
      { id: 'grant-to-public', severity: 'error', clause: 'Req. 7.2.1 access control model; 7.2.2 least privilege' },
      { id: 'audit-table-tampering', severity: 'critical', options: CARDHOLDER, clause: 'Req. 10.3.2 audit log files protected from modification; 10.3.4' },
      { id: 'security-definer-search-path', severity: 'error', clause: 'Req. 6.2.4 software engineering techniques prevent common attacks (privilege escalation)' },
      { id: 'regulated-destructive-change', severity: 'error', options: CARDHOLDER, clause: 'Req. 6.5.1 changes approved by authorized parties, with back-out procedures' },
      {
        id: 'retention-column-required',
        severity: 'warning',
        options: { ...CARDHOLDER, retentionColumns: ['retain_until', 'retention_expires_at'], retentionAppliesTo: ['audit'] },
        clause: 'Req. 10.5.1 retain audit log history for at least 12 months; Req. 3.2.1 account data retention limited',
      },
    ],
  },
];

export const sox: LibraryDefinition[] = [
  {
    name: 'sox',
    version: '1.0.0',
    description: 'Sarbanes-Oxley IT general controls over financial records: change management, audit trail integrity, record retention.',
    compliance: { regulation: 'Sarbanes-Oxley Act (SOX) §302/§404/§802, via IT general controls', reference: 'https://www.govinfo.gov/content/pkg/PLAW-107publ204/pdf/PLAW-107publ204.pdf' },
    rules: [
      { id: 'audit-table-tampering', severity: 'critical', options: FINANCIAL, clause: '§802 (18 U.S.C. §1519) destruction or alteration of records; ITGC audit trail integrity' },
      { id: 'regulated-destructive-change', severity: 'error', options: FINANCIAL, clause: '§404 internal control over financial reporting: ITGC change management (authorised, tested, reversible changes)' },
      { id: 'audit-columns-required', severity: 'error', options: FINANCIAL, clause: '§404 ITGC change tracking (who changed what, when)' },
      { id: 'grant-to-public', severity: 'error', clause: '§404 ITGC logical access and segregation of duties' },
      { id: 'security-definer-search-path', severity: 'error', clause: '§404 ITGC logical access (no privilege escalation)' },
      {
        id: 'retention-column-required',
        severity: 'warning',
        options: { ...FINANCIAL, retentionColumns: ['retain_until', 'retention_until', 'retention_expires_at'], retentionAppliesTo: ['audit'] },
        clause: '§802 record retention (17 CFR 210.2-06: seven years)',
      },
    ],
  },
];
