// One warm process per contender: `chart-warm.mjs <peer>` (forked, with IPC) loads its renderer,
// says `ready`, then draws each job it is sent and answers with the time of that draw alone.
const peer = process.argv[2];
const renderer = await import(`./draw-${peer}.mjs`);

process.on('message', async (m) => {
  if (m === 'exit') {
    await renderer.close?.();
    process.exit(0);
  }
  try {
    const t = performance.now();
    const svg = await renderer.draw(m);
    process.send({ ms: performance.now() - t, bytes: Buffer.byteLength(svg) });
  } catch (e) {
    process.send({ error: e instanceof Error ? e.message : String(e) });
  }
});
process.send('ready');
