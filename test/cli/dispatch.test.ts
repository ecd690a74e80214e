import { verify } from '@notiflux/hmac';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { sampleEventJson } from '../support/sample-events.js';
import { alertManifests, hookKey, manifestDirectory } from './manifest-fixtures.js';

describe('notiflux dispatch', () => {
  let server: RecordingServer;
  let directory: string;
  beforeEach(async () => {
    server = await startRecordingServer();
    directory = manifestDirectory({ 'alerts.yaml': alertManifests(`${server.url}/hook`) });
  });
  afterEach(async () => {
    await server.close();
  });

  it('--dry-run says which Alerts matched and why not, and what the provider would send, sending nothing', async () => {
    const result = await runCli(['dispatch', '-f', directory, '--dry-run'], { stdin: sampleEventJson });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Alert flux-system\/apps: matched: .*generic-hmac Provider flux-system\/hook/);
    expect(lines[1]).toMatch(/^Alert flux-system\/infra-errors: not matched \(source\): .*HelmRelease/);
    expect(result.stdout).toContain('--- Alert flux-system/apps → Provider flux-system/hook would send:');
    expect(result.stdout).toContain(`POST ${server.url}/hook`);
    expect(result.stdout).toMatch(/^X-Signature: sha256=[0-9a-f]{64}$/m);
    expect(result.stdout).not.toContain(hookKey);
    expect(server.requests).toHaveLength(0);
  });

  it('--dry-run --json gives the explanation and the encoded messages', async () => {
    const result = await runCli(['dispatch', '-f', directory, '--dry-run', '--json'], {
      stdin: sampleEventJson,
    });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.explanation.alerts.map((alert: { matched: boolean }) => alert.matched)).toEqual([
      true,
      false,
    ]);
    expect(json.explanation.alerts[1].failed).toBe('source');
    expect(json.encoded[0].messages[0]).toMatchObject({ transport: 'http', url: `${server.url}/hook` });
  });

  it('delivers, waits and reports each delivery; the receiver verifies the signature', async () => {
    const result = await runCli(['dispatch', '-f', directory, '--event', '-'], { stdin: sampleEventJson });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Alert flux-system\/apps → generic-hmac Provider flux-system\/hook: delivered\n$/,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(verify(request?.headers['x-signature'], request?.bodyBytes ?? '', hookKey)).toBe(true);
  });

  it('exits 1 when a delivery is dead, with its error', async () => {
    server.respondWith({ status: 403 });
    const result = await runCli(['dispatch', '-f', directory, '--json'], { stdin: sampleEventJson });
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.result).toBe('accepted');
    expect(json.deliveries).toEqual([
      expect.objectContaining({
        state: 'dead',
        error: expect.objectContaining({ code: 'HTTP_STATUS', status: 403 }),
      }),
    ]);
    expect(result.stdout + result.stderr).not.toContain(hookKey);
  });

  it('exits 0 with nothing sent when no Alert matches', async () => {
    const other = JSON.parse(sampleEventJson);
    other.involvedObject.namespace = 'elsewhere';
    const result = await runCli(['dispatch', '-f', directory], { stdin: JSON.stringify(other) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Alert flux-system\/apps: not matched \(source\)/);
    expect(server.requests).toHaveLength(0);
  });
});
