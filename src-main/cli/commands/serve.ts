import type { Command } from 'commander';
import { reportError, UsageError } from '../output';

export function registerServe(program: Command, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('Run the app in your browser through the local web bridge (127.0.0.1 only, token required)')
    .option('--port <port>', 'port to listen on (default: a free one)')
    .option('--data-dir <dir>', 'where the embedded server and app data live (default: $CONFITURE_DATA_DIR or per-user)')
    .option('--open', 'open the URL in the default browser')
    .option('--demo', 'open ready on the demo: connect to the demo database (--db, else $DATABASE_URL, else the embedded server) with the demo project, on the Risk screen')
    .option('--db <url>', 'with --demo: connection string, `embedded` or `embedded:<db>`')
    .action(async (opts: { port?: string; dataDir?: string; open?: boolean; demo?: boolean; db?: string }) => {
      try {
        let port: number | undefined;
        if (opts.port !== undefined) {
          port = Number(opts.port);
          if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be a TCP port (1-65535), got "${opts.port}"`);
        }
        // imported here: the bridge pulls in every handler, which other commands do not need
        const [{ createContext }, { ensureWebBundle, startBridge }] = await Promise.all([import('../../context'), import('../../web')]);
        const staticDir = await ensureWebBundle((m) => process.stderr.write(m + '\n'));
        const ctx = createContext({ mode: 'browser', ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
        if (opts.demo) {
          const [{ targetFromOption }, { setSession }] = await Promise.all([import('../session'), import('../../desk')]);
          try {
            const connection = await ctx.connections.openTarget(targetFromOption(opts.db, 'confiture_demo'));
            setSession(ctx, { connectionId: connection.id, projectDir: ctx.demoProjectDir(), screen: 'risk' });
          } catch (e) {
            // the app still opens, on the Connection screen, where the error can be retried
            process.stderr.write(`Could not connect to the demo database: ${(e as Error).message}\n`);
            setSession(ctx, { projectDir: ctx.demoProjectDir(), screen: 'connect' });
          }
        }
        const bridge = await startBridge({ ctx, staticDir, ...(port ? { port } : {}), ...(process.env.CONFITURE_TOKEN ? { token: process.env.CONFITURE_TOKEN } : {}) });
        process.stdout.write(`Confiture is running in browser mode.\nOpen: ${bridge.urlWithToken}\nPress Ctrl+C to stop.\n`);
        if (opts.open) {
          const { spawn } = await import('node:child_process');
          spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [bridge.urlWithToken], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
        }
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await bridge.close();
        await ctx.close();
        setExit(0);
      } catch (e) {
        setExit(reportError(e, 'text'));
      }
    });
}
