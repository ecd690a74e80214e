// `pnpm bench`: throughput and cold-start ratios of notiflux against what a service would use
// otherwise. Ratios are notiflux ÷ other, so > 1 means notiflux is faster. Benchmarks only
// report: a missed goal is printed, and the exit code stays 0 unless something crashed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { benchHttpThroughput } from './http-throughput.mjs';
import { pairedRatio } from './measure.mjs';
import { benchColdStart, checkLoadedModules } from './startup.mjs';
import { benchVerifyThroughput } from './verify-throughput.mjs';

// Everything here talks to 127.0.0.1 only: a proxy from the environment (which notiflux, like Go,
// would honour) must not route the local requests elsewhere.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
  delete process.env[name];
}

// BENCH_QUICK=1: a short run of the HTTP section only, for profiling and quick comparisons.
const quick = process.env.BENCH_QUICK === '1';
const http = quick
  ? { concurrencies: [1, 32], rounds: 5, durationMs: 500, warmupMs: 300 }
  : { concurrencies: [1, 32], rounds: 5, durationMs: 1500, warmupMs: 1000 };
const verification = { rounds: 7, durationMs: 400, warmupMs: 300 };
const coldStart = { runs: 7, goalMs: 100 };
const goals = { undiciRatio: 0.9, octokitRatio: 1.0 };

/** Every goal line printed, for the summary at the end. */
const verdicts = [];

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function printRates(measured, unit) {
  const width = Math.max(...measured.map(({ contender }) => contender.name.length));
  for (const { contender, median, min, max } of measured) {
    const range = `(${number.format(min)}–${number.format(max)})`;
    console.log(
      `    ${contender.name.padEnd(width)}  ${number.format(median).padStart(9)} ${unit}  ${range}`,
    );
  }
}

/** Prints notiflux ÷ other, with its goal if it has one. */
function printRatio(label, ratio, goal) {
  const shown = `    ${label.padEnd(58)} ${ratio.toFixed(2).padStart(5)}`;
  if (goal === undefined) {
    console.log(`${shown}   (no goal)`);
    return;
  }
  const met = ratio >= goal;
  verdicts.push({ label, met, detail: `${ratio.toFixed(2)} vs goal ≥ ${goal.toFixed(2)}` });
  console.log(`${shown}   goal ≥ ${goal.toFixed(2)}   ${met ? 'met' : 'NOT MET'}`);
}

function resultOf(measured, name) {
  return measured.find(({ contender }) => contender.name === name);
}

async function reportHttp() {
  console.log('1. HTTP throughput: POST the sample event to a local keep-alive server (child process)');
  console.log(
    `   ${http.rounds} interleaved rounds of ${http.durationMs / 1000} s per contender after a ` +
      `${http.warmupMs / 1000} s warm-up (every other round in reverse order); median req/s (min–max);\n` +
      "   a ratio is the median of the rounds' own ratios",
  );
  for (const { concurrency, measured } of await benchHttpThroughput(http)) {
    console.log(`\n  concurrency ${concurrency}`);
    printRates(measured, 'req/s');
    const notiflux = resultOf(measured, 'notiflux generic');
    const ratio = (name, goal) =>
      printRatio(
        `notiflux / ${name} (c=${concurrency})`,
        pairedRatio(notiflux, resultOf(measured, name)),
        goal,
      );
    ratio('undici.dispatch', goals.undiciRatio);
    ratio('undici.dispatch + JSON.stringify');
    printRatio(
      `undici.dispatch + JSON.stringify / undici.dispatch (c=${concurrency})`,
      pairedRatio(
        resultOf(measured, 'undici.dispatch + JSON.stringify'),
        resultOf(measured, 'undici.dispatch'),
      ),
    );
    ratio('undici.request');
    ratio('fetch');
    ratio('@slack/webhook');
  }
}

async function reportVerify() {
  const { bodyBytes, key, measured } = await benchVerifyThroughput(verification);
  console.log(`\n2. X-Signature verify throughput: ${bodyBytes}-byte sample body, key '${key}', sha256`);
  console.log(
    `   ${verification.rounds} interleaved rounds of ${verification.durationMs / 1000} s per contender; ` +
      'median ops/s (min–max)',
  );
  printRates(measured, 'ops/s');
  const notifluxString = resultOf(measured, '@notiflux/hmac verify (string body)');
  const notifluxBuffer = resultOf(measured, '@notiflux/hmac verify (Buffer body)');
  const octokit = resultOf(measured, '@octokit/webhooks-methods verify');
  const nodeCrypto = resultOf(measured, 'node:crypto createHmac + timingSafeEqual');
  printRatio(
    'notiflux (string) / @octokit/webhooks-methods',
    pairedRatio(notifluxString, octokit),
    goals.octokitRatio,
  );
  printRatio('notiflux (Buffer) / @octokit/webhooks-methods', pairedRatio(notifluxBuffer, octokit));
  printRatio('notiflux (string) / node:crypto', pairedRatio(notifluxString, nodeCrypto));
  printRatio('notiflux (Buffer) / node:crypto', pairedRatio(notifluxBuffer, nodeCrypto));
}

async function reportStartup() {
  const { types, notiflux, undici } = await benchColdStart(coldStart);
  console.log(`\n3. Cold start, ${coldStart.runs} fresh processes each`);
  console.log(
    `    import('@notiflux/providers') + createNotifier for ${types.join(', ')}:` +
      `  median ${notiflux.median.toFixed(1)} ms, min ${notiflux.min.toFixed(1)} ms`,
  );
  console.log(
    `    import('undici') alone, for reference:` +
      `  median ${undici.median.toFixed(1)} ms, min ${undici.min.toFixed(1)} ms`,
  );
  const met = notiflux.median <= coldStart.goalMs;
  verdicts.push({
    label: 'cold start, median',
    met,
    detail: `${notiflux.median.toFixed(1)} ms vs goal ≤ ${coldStart.goalMs} ms`,
  });
  console.log(`    goal: median ≤ ${coldStart.goalMs} ms   ${met ? 'met' : 'NOT MET'}`);

  const loaded = await checkLoadedModules();
  console.log(
    `\n  modules loaded by require('@notiflux/providers') + createNotifier(${loaded.types.join(', ')}):`,
  );
  if (loaded.packages.length === 0) console.log('    no SDK, undici or zod loaded');
  for (const { root, files } of loaded.packages) console.log(`    LOADED ${root} (${files} files)`);
  verdicts.push({
    label: 'no SDK, undici or zod loaded by createNotifier',
    met: loaded.packages.length === 0,
    detail: loaded.packages.length === 0 ? 'none loaded' : `${loaded.packages.length} package(s) loaded`,
  });
}

/**
 * The dispatch layer's benches run as child processes of their own (each needs a fresh heap,
 * some `--expose-gc`, the BullMQ one a redis-server): their goal lines are printed as they go.
 */
async function reportDispatchLayer() {
  const scripts = [
    [
      'dispatch: matching with 10 vs 10,000 Alerts; 5,000 Providers on one host',
      ['--expose-gc', 'bench/dispatch.mjs'],
    ],
    ['memory queue and rate-limit store', ['--expose-gc', 'bench/dispatch-queue.mjs']],
    ['event server vs a bare node:http server', ['bench/event-server.mjs']],
    ['bullmqQueue vs raw BullMQ on one redis-server; a worker killed mid-run', ['bench/bullmq.mjs']],
  ];
  for (const [index, [title, args]] of scripts.entries()) {
    console.log(`\n${5 + index}. ${title}`);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    // Forward the child's report, and take each goal line it prints into the summary.
    const goalLines = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(line);
      const verdict = /goal\b.*\b(met|MISSED|NOT MET)\)?\s*$/.exec(line);
      if (verdict) goalLines.push({ line: line.trim(), met: verdict[1] === 'met' });
    });
    const [code] = await once(child, 'close');
    for (const { line, met } of goalLines) {
      verdicts.push({ label: args.at(-1), met, detail: line.replace(/\s+/g, ' ') });
    }
    if (code !== 0 || goalLines.length === 0) {
      verdicts.push({ label: `${args.at(-1)} ran`, met: code === 0, detail: `exit code ${code}` });
    }
  }
}

function reportSummary() {
  const met = verdicts.filter((verdict) => verdict.met).length;
  console.log(`\nSummary: ${met} of ${verdicts.length} goals met`);
  for (const { label, met: ok, detail } of verdicts) {
    console.log(`    ${ok ? 'met    ' : 'NOT MET'}  ${label}: ${detail}`);
  }
}

const [cpu] = cpus();
console.log(`notiflux bench: node ${process.version}, ${cpus().length} × ${cpu?.model ?? 'unknown CPU'}`);
console.log('Ratios are notiflux ÷ other: > 1 means notiflux is faster.\n');
await reportHttp();
if (!quick) {
  await reportVerify();
  await reportStartup();
  await reportDispatchLayer();
}
reportSummary();
