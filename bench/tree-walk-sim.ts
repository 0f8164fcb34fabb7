// The simulated Allegro of bench/tree-walk.bench.ts, in its own process so that the appliance's
// work does not share an event loop with the client being measured. Talks over the IPC channel:
// {type:'reset'} restarts the request statistics, {type:'stats'} answers them, {type:'close'} stops.
import { startAllegroSimulator } from '../src/simulator/allegro';

type Message = { type: 'reset' | 'stats' | 'close'; id: number };

async function main(): Promise<void> {
  const sim = await startAllegroSimulator({ seed: Number(process.argv[2] ?? 1), latencyMs: Number(process.argv[3] ?? 20) });
  process.on('message', (m: Message) => {
    if (m.type === 'reset') {
      sim.stats.reset();
      process.send!({ id: m.id });
    } else if (m.type === 'stats') {
      const cpu = process.cpuUsage();
      process.send!({ id: m.id, stats: { ...sim.stats.toJSON(), cpuMs: (cpu.user + cpu.system) / 1000 } });
    } else if (m.type === 'close') {
      void sim.close().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
  process.send!({ id: 0, ready: { url: sim.url, fingerprint: sim.fingerprint, username: sim.username, password: sim.password } });
}

void main();
