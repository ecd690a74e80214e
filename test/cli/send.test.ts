import { verify } from '@notiflux/hmac';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { sampleEvent, sampleEventJson } from '../support/sample-events.js';
import { alertManifests, hookKey, manifestDirectory } from './manifest-fixtures.js';

const token = 'tok-7f3a9c1e5b-never-printed';

describe('notiflux send', () => {
  let server: RecordingServer;
  beforeEach(async () => {
    server = await startRecordingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('posts the event from stdin through an inline generic-hmac provider, key from the environment', async () => {
    const result = await runCli(
      ['send', '--type', 'generic-hmac', '--address', `${server.url}/hook`, '--token-env', 'HOOK_TOKEN'],
      { stdin: sampleEventJson, env: { HOOK_TOKEN: token } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('sent through generic-hmac (1 attempt)\n');
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hook');
    expect(JSON.parse(request?.body ?? '')).toEqual(sampleEvent);
    expect(verify(request?.headers['x-signature'], request?.bodyBytes ?? '', token)).toBe(true);
  });

  it('reads --event FILE and prints one line per attempt with -v, the result as JSON with --json', async () => {
    server.respondWith([{ status: 503 }, { status: 200 }]);
    const result = await runCli(
      [
        'send',
        '--type',
        'generic',
        '--address',
        `${server.url}/hook`,
        '--event',
        'examples/sample-event.json',
        '-v',
        '--json',
      ],
      { env: {} },
    );
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^attempt 1: POST ${server.url}/hook → 503 in \\d+ ms, retrying in \\d+ ms$`),
    );
    expect(lines[1]).toMatch(new RegExp(`^attempt 2: POST ${server.url}/hook → 200 in \\d+ ms$`));
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, type: 'generic' });
    expect(json.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([503, 200]);
    expect(server.requests).toHaveLength(2);
  });

  it('exits 1 with the NotifierError on one stderr line when the service refuses, never the token', async () => {
    server.respondWith({ status: 400, body: `bad request for ${token}` });
    const result = await runCli(
      ['send', '--type', 'generic', '--address', `${server.url}/hook`, '--token-env', 'HOOK_TOKEN'],
      { stdin: sampleEventJson, env: { HOOK_TOKEN: token } },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^notiflux send: HTTP_STATUS: .*400/);
    expect(result.stderr).not.toContain(token);
  });

  it('gives the JSON form of the error on stdout with --json', async () => {
    server.respondWith({ status: 404 });
    const result = await runCli(['send', '--type', 'generic', '--address', `${server.url}/x`, '--json'], {
      stdin: sampleEventJson,
    });
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      ok: false,
      error: {
        name: 'NotifierError',
        code: 'HTTP_STATUS',
        status: 404,
        providerType: 'generic',
        retryable: false,
      },
    });
  });

  it('keeps a secret-bearing address out of every output (Slack webhook path)', async () => {
    server.respondWith({ status: 400 });
    const secretPath = '/services/T000/B000/XXXXsecretpathXXXX';
    const result = await runCli(['send', '--type', 'slack', '--address-env', 'SLACK_URL', '-v', '--json'], {
      stdin: sampleEventJson,
      env: { SLACK_URL: `${server.url}${secretPath}` },
    });
    expect(result.code, result.stderr).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe(secretPath);
    expect(result.stdout + result.stderr).not.toContain('XXXXsecretpathXXXX');
    expect(result.stderr).toContain('<redacted>');
  });

  it('rejects an invalid event with INVALID_EVENT, exit 1, nothing sent', async () => {
    const result = await runCli(['send', '--type', 'generic', '--address', server.url], {
      stdin: JSON.stringify({ ...sampleEvent, severity: 'loud' }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^notiflux send: INVALID_EVENT: .*severity/);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [['send', '--type', 'generic', '--adress', 'http://127.0.0.1:1'], /unknown flag --adress/],
    [['send', '--address', 'http://127.0.0.1:1'], /no provider: give --type/],
    [['send', '--type'], /--type <value>' argument missing/],
    [
      ['send', '--type', 'generic', '--address', 'http://127.0.0.1:1', '--event', 'no/such/file.json'],
      /cannot read the event file no\/such\/file.json: ENOENT/,
    ],
    [
      ['send', '--type', 'generic', '--address', 'http://127.0.0.1:1', '--token-env', 'UNSET_VAR'],
      /--token-env UNSET_VAR: the environment variable is not set/,
    ],
    [['send', '--type', 'nosuchtype', '--address', 'http://127.0.0.1:1'], /UNSUPPORTED_TYPE/],
    [['send', '--type', 'generic', '--address', 'not a url'], /INVALID_SPEC: .*address/],
    [['send', '--type', 'generic', '--address', 'http://127.0.0.1:1', 'stray'], /unexpected argument/],
  ])('exits 2 on a wrong command line: %j', async (args, message) => {
    const result = await runCli(args, { stdin: sampleEventJson });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Run 'notiflux send --help'");
  });

  it('exits 2 when no event is given: stdin empty, or not JSON (without echoing it)', async () => {
    const empty = await runCli(['send', '--type', 'generic', '--address', server.url]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no event: stdin is empty');
    const garbage = await runCli(['send', '--type', 'generic', '--address', server.url], {
      stdin: `not json ${token}`,
    });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('the event in stdin is not valid JSON');
    expect(garbage.stderr).not.toContain(token);
  });

  it('never prints a --secret value given on the command line, even in a usage error', async () => {
    const result = await runCli(
      ['send', '--type', 'generic', '--address', server.url, '--secret', token, '--json'],
      { stdin: sampleEventJson },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--secret takes KEY=VALUE');
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('takes the provider and its Secret from manifests (-f DIR --provider NAME), the key never printed', async () => {
    const directory = manifestDirectory({ 'alerts.yaml': alertManifests(`${server.url}/hook`) });
    const result = await runCli(['send', '-f', directory, '--provider', 'flux-system/hook', '--json'], {
      stdin: sampleEventJson,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, type: 'generic-hmac' });
    const [request] = server.requests;
    expect(verify(request?.headers['x-signature'], request?.bodyBytes ?? '', hookKey)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(hookKey);
  });

  it('exits 2 for an unknown --provider, or -f mixed with inline fields', async () => {
    const directory = manifestDirectory({ 'alerts.yaml': alertManifests(`${server.url}/hook`) });
    const unknown = await runCli(['send', '-f', directory, '--provider', 'nope'], { stdin: sampleEventJson });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no Provider nope in the manifests (they hold flux-system/hook)');
    const mixed = await runCli(['send', '-f', directory, '--type', 'generic'], { stdin: sampleEventJson });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('not both');
    expect(server.requests).toHaveLength(0);
  });
});
