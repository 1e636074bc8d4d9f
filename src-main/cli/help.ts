/**
 * Examples shown under `confiture <command> --help` and in docs/reference/cli.md (one source for
 * both). Every command path needs an entry: `installExamples` throws otherwise, so a new command
 * cannot ship without examples.
 */
import type { Command } from 'commander';

export const EXAMPLES: Record<string, string[]> = {
  rollout: ['confiture rollout plan --env prod', 'confiture rollout start --env prod --targets tier=gold', 'confiture rollout status --env prod --wait'],
  'rollout plan': ['confiture rollout plan --env prod --targets tier=gold --format json'],
  'rollout start': ['confiture rollout start --env prod', 'confiture rollout start --env dev --workers 4   # workers in this process, watch until done'],
  'rollout status': ['confiture rollout status --env prod --format json', 'confiture rollout status --rollout 6f1c… --wait'],
  'rollout pause': ['confiture rollout pause --env prod'],
  'rollout resume': ['confiture rollout resume --env prod', 'confiture rollout resume --env prod --override-gate'],
  'rollout abort': ['confiture rollout abort --env prod'],
  drift: ['confiture drift --db "$PROD_URL"', 'confiture drift --db embedded:confiture_shop --scratch "$SCRATCH_ADMIN_URL" --format json'],
  baseline: ['confiture baseline --db "$PROD_URL" --version 0012 --by alice'],
  down: ['confiture down draft 0007'],
  'down draft': ['confiture down draft 0007 -p resources/demo', 'confiture down draft 0007 --write'],
  worker: ['confiture worker -p . --concurrency 4', 'confiture worker --control "$CONTROL_URL"'],
  status: ['confiture status -p resources/demo --db embedded --format json'],
  migrate: ['confiture migrate dry-run -p resources/demo', 'confiture migrate up --to 0010', 'confiture migrate down --steps 1'],
  'migrate up': ['confiture migrate up -p resources/demo --db embedded --to 0010', 'confiture migrate up --steps 1 --auto-abort-after 30000 --format json'],
  'migrate down': ['confiture migrate down -p resources/demo --steps 2', 'confiture migrate down --to 0   # revert everything'],
  'migrate dry-run': ['confiture migrate dry-run -p resources/demo --db embedded --to 0012 --format json'],
  'migrate status': ['confiture migrate status -p resources/demo --format json'],
  demo: ['confiture demo seed --scale 0.1'],
  'demo seed': ['confiture demo seed --scale 0.1 --db embedded --format json'],
  perf: ['confiture perf capture --name before-0019', 'confiture perf compare before-0019'],
  'perf capture': ['confiture perf capture --name before-0019 -p resources/demo --db embedded --runs 10'],
  'perf compare': ['confiture perf compare before-0019 after-0019 -p resources/demo --format json', 'confiture perf compare latest --db embedded --save-as after-0019'],
  'perf ab': [
    'confiture perf ab --apply migrations/0042_drop_index.up.sql --db "$STAGING_URL" --runs 30',
    'confiture perf ab --db postgres://dba@staging/shop --after-db postgres://dba@staging/shop_migrated --format json',
  ],
  'perf list': ['confiture perf list -p resources/demo --format json'],
  'perf import-statements': ['confiture perf import-statements -p resources/demo --db postgres://dba@prod-replica/shop --top 20 --write'],
  serve: ['confiture serve --open', 'CONFITURE_TOKEN=… confiture serve --port 4780'],
  locks: ['confiture locks migrations/0007_add_orders_currency.up.sql --format json', 'confiture locks --sql "ALTER TABLE shop.orders ADD COLUMN note text" --db embedded:confiture_demo'],
  risk: ['confiture risk -p resources/demo --db embedded --to 0010 --format json', 'confiture risk --db "$STAGING_URL" --format markdown > risk.md'],
  approve: ['confiture approve 0007 --by alice --comment "rehearsed on staging" -p resources/demo', 'confiture approve 0007 --by bob --reject --offline'],
  hooks: ['confiture hooks list --offline', 'confiture hooks test before_run'],
  'hooks list': ['confiture hooks list -p resources/demo --offline --format json'],
  'hooks test': ['confiture hooks test before_run -p resources/demo --db embedded', 'confiture hooks test before_migration --hook no-long-transactions -p resources/demo'],
  lint: [
    'confiture lint -p resources/demo --format json',
    'confiture lint migrations/0007_add_orders_currency.up.sql --pg-version 15',
    'confiture lint -p . --format sarif --sarif-root . > lint.sarif',
    'confiture lint migrations --format gitlab > gl-code-quality-report.json',
  ],
  slo: ['confiture slo report --window 7d'],
  'slo report': ['confiture slo report -p resources/demo --db embedded --window 7d --format json'],
  metrics: ['confiture metrics -p resources/demo --db embedded', 'confiture metrics --db "$DATABASE_URL" > /var/lib/node_exporter/textfile/confiture.prom'],
  completion: ['confiture completion bash > /etc/bash_completion.d/confiture', 'confiture completion zsh > "${fpath[1]}/_confiture"', 'confiture completion fish > ~/.config/fish/completions/confiture.fish'],
};

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function allCommands(cmd: Command, out: Command[] = []): Command[] {
  for (const c of cmd.commands) {
    out.push(c);
    allCommands(c, out);
  }
  return out;
}

/** Adds `Examples:` to every command's --help. */
export function installExamples(program: Command): void {
  const missing: string[] = [];
  for (const c of allCommands(program)) {
    const examples = EXAMPLES[commandPath(c)];
    if (!examples) {
      missing.push(commandPath(c));
      continue;
    }
    c.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  if (missing.length) throw new Error(`src-main/cli/help.ts: add examples for ${missing.join(', ')}`);
  program.addHelpText(
    'after',
    `\nExamples:\n  $ confiture lint migrations --format sarif > lint.sarif\n  $ confiture migrate up --db "$DATABASE_URL"\n  $ confiture <command> --help\n\nExit codes: 0 ok, 1 policy failure, 2 usage/config/input error (incl. unparseable SQL), 3 database error,\n4 migration failed and rolled back, 5 another run holds the lock. NO_COLOR disables colour.\n`,
  );
}
