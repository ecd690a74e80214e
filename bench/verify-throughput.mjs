// Section 2: X-Signature verifications per second on the sample body: @notiflux/hmac against
// @octokit/webhooks-methods (the same sha256=<hex> format) and bare node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sign, verify } from '@notiflux/hmac';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { asyncOpsPerSecond, interleavedRounds, opsPerSecond } from './measure.mjs';
import { sampleEventJson } from './sample-event.mjs';

const key = 'my-hmac-token';
const bodyText = sampleEventJson;
const bodyBytes = Buffer.from(sampleEventJson);
const signature = sign(bodyText, key);
const badSignature = sign(`${bodyText} `, key);

/** The floor: one HMAC and a constant-time compare, no parsing or input checks. */
function nodeCryptoVerify(header, payload, secret) {
  const expected = Buffer.from(header.slice('sha256='.length), 'hex');
  const actual = createHmac('sha256', secret).update(payload).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

// Each contender is checked against a valid and a forged signature before it is timed, and
// every timed call must succeed, so no contender can win by not verifying.
const contenders = [
  { name: '@notiflux/hmac verify (string body)', verify: (sig) => verify(sig, bodyText, key) },
  { name: '@notiflux/hmac verify (Buffer body)', verify: (sig) => verify(sig, bodyBytes, key) },
  {
    name: '@octokit/webhooks-methods verify',
    verify: (sig) => octokitVerify(key, bodyText, sig),
    isAsync: true,
  },
  { name: 'node:crypto createHmac + timingSafeEqual', verify: (sig) => nodeCryptoVerify(sig, bodyText, key) },
];

async function checkContender({ name, verify: check }) {
  if ((await check(signature)) !== true) throw new Error(`${name} rejects a valid signature`);
  if ((await check(badSignature)) !== false) throw new Error(`${name} accepts a forged signature`);
}

function sampleContender({ name, verify: check, isAsync }, durationMs) {
  const failed = () => {
    throw new Error(`${name} rejected a valid signature while being timed`);
  };
  if (isAsync) {
    return asyncOpsPerSecond(async () => (await check(signature)) || failed(), durationMs);
  }
  return opsPerSecond(() => check(signature) || failed(), durationMs);
}

/** Warm-up, then `rounds` interleaved samples of `durationMs` per contender. */
export async function benchVerifyThroughput({ rounds, durationMs, warmupMs }) {
  for (const contender of contenders) await checkContender(contender);
  for (const contender of contenders) await sampleContender(contender, warmupMs);
  const measured = await interleavedRounds(contenders, rounds, (contender) =>
    sampleContender(contender, durationMs),
  );
  return { bodyBytes: bodyBytes.length, key, measured };
}
