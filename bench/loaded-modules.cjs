// Run in a fresh process by run.mjs: requires the CommonJS build of @notiflux/providers, creates
// a notifier of every type, and prints (as JSON) the files of undici or of a vendor SDK that
// this loaded. createNotifier must not load them: they are loaded on first use only (zod: never,
// only `@notiflux/core/schemas` loads it).
const heavyPackage =
  /[\\/]node_modules[\\/]((?:@slack[\\/]web-api|@octokit[\\/][^\\/]+|@gitbeaker[\\/][^\\/]+|@google-cloud[\\/][^\\/]+|@nats-io[\\/][^\\/]+|@azure[\\/][^\\/]+|@sentry[\\/][^\\/]+|undici|nats|yaml|zod))[\\/]/;

async function main() {
  // The sample specs are ESM (and import nothing), so they are the one thing loaded with import().
  const { sampleSpecFor } = await import('../test/support/sample-specs.mjs');
  const { createNotifier, providerTypes } = require('@notiflux/providers');
  for (const type of providerTypes) createNotifier(sampleSpecFor(type));

  const loaded = Object.keys(require.cache).filter((path) => heavyPackage.test(path));
  process.stdout.write(`${JSON.stringify({ types: providerTypes, loaded })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
