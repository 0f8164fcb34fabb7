// A simulated appliance in its own process, for tests whose client must not share the simulator's
// event loop (as with a real device). argv: allegro|appresponse. IPC: {type:'reset'|'stats'|'close', id};
// the first message is {id: 0, ready: {url, fingerprint, username, password}}.
import { startAllegroSimulator } from '../../src/simulator/allegro/index';
import { startAppResponseSimulator } from '../../src/simulator/appresponse/index';

type Message = { type: 'reset' | 'stats' | 'close'; id: number };

async function main(): Promise<void> {
  const kind = process.argv[2];
  const sim = kind === 'allegro'
    ? await startAllegroSimulator({ seed: 3, latencyMs: 2 })
    : await startAppResponseSimulator({ seed: 3, latencyMs: 2 });
  const stats = () => (sim.stats as { inFlight: number; maxInFlight: number; total: number });
  const reset = () => ('resetStats' in sim ? sim.resetStats() : sim.stats.reset());
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('message', (m: Message) => {
    if (m.type === 'reset') {
      reset();
      process.send!({ id: m.id });
    } else if (m.type === 'stats') {
      const { total, inFlight, maxInFlight } = stats();
      process.send!({ id: m.id, stats: { total, inFlight, maxInFlight } });
    } else if (m.type === 'close') stop();
  });
  process.on('disconnect', stop);
  process.send!({ id: 0, ready: { url: sim.url, fingerprint: sim.fingerprint, username: sim.username, password: sim.password } });
}

void main();
