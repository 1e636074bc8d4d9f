export { ConnectionRegistry } from './registry';
export { EmbeddedServer, defaultDataDir, freePort, readPostmasterPid } from './embedded';
export type { EmbeddedServerInfo } from './embedded';
export { connectClient, quoteIdent, redactUrl, resolveConnectionString, sslConfig } from './connection';
export type { ResolvedConnection } from './connection';
