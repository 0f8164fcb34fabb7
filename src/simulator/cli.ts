// `npm run sim -- [--allegro-port N] [--appresponse-port N] [--seed S] [--latency-ms L]`
// Starts both simulated appliances on 127.0.0.1 and prints ONE JSON line on stdout:
//   {"allegro":{"url","username","password","token"},"appresponse":{"url","username","password"}}
// Port 0 (the default) picks a free port. Runs until SIGTERM / SIGINT.
import { startAllegroSimulator } from './allegro/index';
import { startAppResponseSimulator } from './appresponse/index';

interface CliOptions {
  allegroPort: number;
  appresponsePort: number;
  seed: number;
  latencyMs: number;
}

function parseArgs(argv: string[]): CliOptions {
  const out: CliOptions = { allegroPort: 0, appresponsePort: 0, seed: 1, latencyMs: 0 };
  const names: Record<string, keyof CliOptions> = { '--allegro-port': 'allegroPort', '--appresponse-port': 'appresponsePort', '--seed': 'seed', '--latency-ms': 'latencyMs' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const key = names[flag];
    if (!key) throw new Error(`unknown option ${flag}; options: ${Object.keys(names).join(', ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${flag} needs a non-negative integer`);
    out[key] = Number(value);
  }
  return out;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const [allegro, appresponse] = await Promise.all([
    startAllegroSimulator({ host: '127.0.0.1', port: options.allegroPort, seed: options.seed, latencyMs: options.latencyMs }),
    startAppResponseSimulator({ host: '127.0.0.1', port: options.appresponsePort, seed: options.seed, latencyMs: options.latencyMs }),
  ]);
  process.stdout.write(
    `${JSON.stringify({
      allegro: { url: allegro.url, username: allegro.username, password: allegro.password, token: allegro.token },
      appresponse: { url: appresponse.url, username: appresponse.username, password: appresponse.password },
    })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([allegro.close(), appresponse.close()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`simulator failed to start: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
