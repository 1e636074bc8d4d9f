/**
 * Lint: the rule library over the parse model. Pure analysis in `lintParsed`; the project/file
 * edges in `lintProject` / `lintPaths`; composition of libraries in `composeRuleSet`.
 *
 *   await initParser();
 *   const result = lintParsed(parseSql(sql, 'x.sql'));                         // default libraries
 *   const result = lintParsed(parsed, { ruleSet, catalog, pgVersion: 16 });   // with a catalog
 */
export { lintParsed, summarise, defaultRuleSet, LARGE_TABLE, TINY_TABLE, type LintOptions } from './engine';
export { composeRuleSet, resolveLibrary, DEFAULT_PG_VERSION, type ComposedRuleSet, type ComposedRule, type ComposeOptions } from './compose';
export { lintProject, lintPaths, projectRuleSet, collectSqlFiles, hasDownFile, type LintProjectOptions, type LintPathsOptions } from './files';
export { listRules, listLibraries } from './catalogue';
export { toJson, toJsonFile, toJsonSummary, toSarif, toText, toCodeQuality, toMarkdown, mdText, unparseableFiles, findingFingerprints, relativePath, ruleHelpUri, RULES_DOC_URL, type SarifOptions } from './format';
export { LintConfigSchema, type LintConfig, type ConflictPolicy } from './config';
export { RULES, REMOVED_RULES, getRule } from './registry';
export { LIBRARIES } from './libraries';
export type { LintCatalog, LintCatalogTable, LintInputs, RuleDefinition, RuleContext } from './types';
export type { Finding, FileLintResult, LintReport, Severity, RuleInfo, LibraryInfo, EffectiveLintConfig } from '../../src-shared/domain/lint';
export { PARALLEL_MIN_FILES } from './parallel';
