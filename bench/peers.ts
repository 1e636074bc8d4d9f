/**
 * The peer tools the benchmarks compare against (dbmate, squawk) are installed on demand into
 * bench/.peers, not into the project: their npm packages list platform binaries that the registry
 * mirror does not carry for every platform, which would break `npm ci` for everyone.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PEERS: Record<string, { pkg: string; bin: string }> = {
  dbmate: { pkg: 'dbmate@2.36.0', bin: 'dbmate' },
  squawk: { pkg: 'squawk-cli@2.66.0', bin: 'squawk' },
};

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.peers');

/** Path of the peer's executable, installing it into bench/.peers first when missing. */
export function peerBinary(name: keyof typeof PEERS): string {
  const peer = PEERS[name]!;
  const bin = path.join(dir, 'node_modules', '.bin', peer.bin);
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
    console.error(`installing ${peer.pkg} into bench/.peers for the comparison...`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, peer.pkg], { stdio: 'inherit' });
  }
  return bin;
}
