// `node bench/serve/cluster.mjs <workers> <serve flags...>`: that many `chartpress serve`
// processes of the built CLI behind Node's cluster module, sharing one port (`--port 0` gives
// them all the same free one). Writes `chartpress cluster: listening on <url>` to stderr once
// every worker listens. SIGTERM stops the workers as SIGTERM stops a server, then exits.
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

const [count, ...flags] = process.argv.slice(2);
const workers = Number(count);
if (!Number.isInteger(workers) || workers < 1) {
  console.error('usage: node bench/serve/cluster.mjs <workers> <serve flags...>');
  process.exit(2);
}

cluster.setupPrimary({
  exec: fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)),
  args: ['serve', ...flags],
});

let listening = 0;
let alive = 0;
let stopping = false;
cluster.on('listening', (_worker, address) => {
  listening++;
  if (listening === workers)
    console.error(`chartpress cluster: listening on http://127.0.0.1:${address.port}, ${workers} workers`);
});
cluster.on('exit', (worker, code, signal) => {
  alive--;
  if (!stopping) {
    console.error(`chartpress cluster: worker ${worker.id} exited (${signal ?? code}) before it was stopped`);
    stop(1);
  }
  if (alive === 0) process.exit();
});

/** Each worker gets SIGTERM (its server finishes the requests under way); SIGKILL after 10 s. */
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (alive === 0) process.exit();
  for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  setTimeout(() => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    process.exit(1);
  }, 10_000).unref();
}

process.on('SIGTERM', () => stop());
process.on('SIGINT', () => stop());
for (let i = 0; i < workers; i++) {
  cluster.fork();
  alive++;
}
