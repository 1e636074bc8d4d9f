/**
 * The commander program without its commands: root options, manners hooks and the run loop.
 * `index.ts` builds it with every command; `lint-main.ts` with `lint` alone, so `confiture lint`
 * does not load (and evaluate) the modules of the other commands: pg, pg-boss, pino, the engine.
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from '../../src-shared/errors';
import { appVersion } from '../version';
import { installExamples } from './help';
import { beginActivity, endActivity, noColorEnv, setManners } from './terminal';

export type RegisterCommand = (program: Command, setExit: (code: number) => void) => void;

/** The command tree of the given commands, without parsing anything. */
export function programOf(commands: RegisterCommand[], setExit: (code: number) => void): Command {
  const program = new Command('confiture')
    .description('Review, rehearse, approve and run PostgreSQL migrations')
    // `--version` is read in runProgram() only as the first argument: as a program option commander
    // would take it anywhere, also from `confiture baseline --version 0001`
    .addHelpText('after', '\n  -V, --version  (first argument) print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    // CLI manners (src-main/cli/terminal.ts), accepted before or after the command
    .option('--no-color', 'no colour (also when NO_COLOR is set or stdout is not a terminal)')
    .option('-q, --quiet', 'print results and errors only: no progress, hook lines or notes on stderr')
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--no-progress', 'never show progress');
  for (const register of commands) register(program, setExit);
  installExamples(program);
  program
    .hook('preAction', (_cmd, action) => {
      const o = program.opts<{ color: boolean; quiet?: boolean; progress?: boolean }>();
      setManners({ color: o.color && !noColorEnv(), quiet: o.quiet === true, progress: o.progress === true ? 'always' : o.progress === false ? 'never' : 'auto' });
      const names: string[] = [];
      for (let c: Command | null = action; c && c.parent; c = c.parent) names.unshift(c.name());
      beginActivity(`confiture ${names.join(' ')}`);
    })
    .hook('postAction', () => endActivity());
  return program;
}

/** Parses `argv` with the program of `commands` and runs the action; resolves to the exit code. */
export async function runProgram(commands: RegisterCommand[], argv: string[]): Promise<number> {
  let exit: number = EXIT.ok;
  const setExit = (code: number) => {
    exit = code;
  };
  const first = argv.slice(2);
  if (first.length === 1 && (first[0] === '--version' || first[0] === '-V')) {
    process.stdout.write(`${appVersion()}\n`);
    return EXIT.ok;
  }
  const program = programOf(commands, setExit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    endActivity();
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    throw e;
  }
  return exit;
}
