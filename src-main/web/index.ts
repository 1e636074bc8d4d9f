export { startBridge, CSP } from './bridge';
export type { Bridge, BridgeOptions } from './bridge';
export { ensureWebBundle, webBundleDir } from './bundle';
