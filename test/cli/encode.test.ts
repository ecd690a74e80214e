import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { sampleEventJson } from '../support/sample-events.js';

describe('notiflux encode', () => {
  it('prints the raw EncodedMessage[] with --json, the token redacted, nothing sent', async () => {
    const token = 'tg-bot-token-5566-secret';
    // Telegram carries its bot token in the URL path; port 9 has no listener, so a send would fail.
    const result = await runCli(
      [
        'encode',
        '--type',
        'telegram',
        '--address',
        'http://127.0.0.1:9',
        '--channel',
        '@ops',
        '--token-env',
        'TG',
        '--json',
      ],
      { stdin: sampleEventJson, env: { TG: token } },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const messages = JSON.parse(result.stdout);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ transport: 'http', method: 'POST' });
    expect(messages[0].url).toContain('<redacted>');
    expect(JSON.parse(messages[0].body)).toMatchObject({ chat_id: '@ops' });
    expect(result.stdout).not.toContain(token);
  });

  it('prints the request line, headers and the pretty body for people', async () => {
    const result = await runCli([
      'encode',
      '--type',
      'generic',
      '--address',
      'http://127.0.0.1:9/hook',
      '--event',
      'examples/sample-event.json',
    ]);
    expect(result.code).toBe(0);
    const [head, body] = result.stdout.split('\n\n');
    expect(head?.split('\n')[0]).toBe('POST http://127.0.0.1:9/hook');
    expect(head).toMatch(/^content-type: application\/json$/im);
    expect(JSON.parse(body ?? '')).toMatchObject({ reason: 'ValidationFailed', severity: 'error' });
    expect(body).toContain('\n  "involvedObject": {');
  });

  it('says so when the provider would send nothing (Sentry skips trace events)', async () => {
    const trace = { ...JSON.parse(sampleEventJson), severity: 'trace' };
    const result = await runCli(['encode', '--type', 'sentry', '--address', 'http://key@127.0.0.1:9/42'], {
      stdin: JSON.stringify(trace),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('sentry would send nothing for this event\n');
  });
});
