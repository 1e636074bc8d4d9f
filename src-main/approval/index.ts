/**
 * Approvals: a DBA's sign-off on a migration, bound to the file's checksum and to the risk report
 * it was given on, recorded in the project (approvals/) and anchored in the target database.
 */
export * from './core';
export * from './anchor';
