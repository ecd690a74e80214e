// Run in a fresh process by run.mjs, for reference: what a cold `import('undici')` alone costs.
const started = performance.now();
await import('undici');
const ms = performance.now() - started;

process.stdout.write(`${JSON.stringify({ ms })}\n`);
