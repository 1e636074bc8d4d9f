/**
 * `confiture` — the CLI face of the engine. Every command calls the same services as the GUI.
 * Exit codes: 0 ok, 1 policy failure, 2 usage/config/input error, 3 database error,
 * 4 migration failed and rolled back, 5 another run holds the lock.
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from '../../src-shared/errors';
import { appVersion } from '../context';
import { registerApprove } from './commands/approve';
import { registerLocks } from './commands/locks';
import { registerRisk } from './commands/risk';
import { registerServe } from './commands/serve';
import { registerStatus } from './commands/status';
import { registerLint } from './commands/lint';
import { registerMigrate } from './commands/migrate';
import { registerDemo } from './commands/demo';
import { registerPerf } from './commands/perf';
import { registerHooks } from './commands/hooks';
import { registerSlo } from './commands/slo';

export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

/** Commands, one file each. Add yours here. */
const COMMANDS: RegisterCommand[] = [registerStatus, registerMigrate, registerDemo, registerPerf, registerServe, registerLocks, registerRisk, registerApprove, registerHooks, registerLint, registerSlo];

/** The whole command tree, without parsing anything (also used by scripts/gen-cli-doc.ts). */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('confiture')
    .description('Review, rehearse, approve and run PostgreSQL migrations')
    .version(appVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) register(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exit: number = EXIT.ok;
  const setExit = (code: number) => {
    exit = code;
  };
  const program = buildProgram(setExit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    throw e;
  }
  return exit;
}
