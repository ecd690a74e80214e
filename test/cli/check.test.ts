import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { alertManifests, hookKey, manifestDirectory } from './manifest-fixtures.js';

const broken = `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: typo
  namespace: flux-system
spec:
  providerRef:
    name: hook
  eventSeverty: error
  eventSources:
    - kind: Kustomization
      name: '*'
`;

const missingProvider = `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: orphan
  namespace: flux-system
spec:
  providerRef:
    name: nowhere
  eventSources:
    - kind: Kustomization
      name: '*'
`;

describe('notiflux check', () => {
  it('exits 0 on valid manifests, counting them', async () => {
    const directory = manifestDirectory({ 'alerts.yaml': alertManifests('http://127.0.0.1:9/hook') });
    const result = await runCli(['check', '-f', directory]);
    expect(result).toMatchObject({ code: 0, stdout: 'ok: 1 Providers, 2 Alerts, 1 Secrets\n' });
  });

  it('prints each problem of a directory with its file and line, exit 1', async () => {
    const directory = manifestDirectory({
      'a-alerts.yaml': alertManifests('http://127.0.0.1:9/hook'),
      'b-broken.yml': broken,
    });
    const result = await runCli(['check', '-f', directory]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(directory, 'b-broken.yml')}:9`);
    expect(result.stderr).toContain('eventSeverty');
    expect(result.stderr).toMatch(/1 problem\n$/);
    expect(result.stderr).not.toContain(hookKey);
  });

  it('reports dispatcher validation too (an Alert whose Provider is missing), as JSON with --json', async () => {
    const directory = manifestDirectory({
      'alerts.yaml': alertManifests('http://127.0.0.1:9/hook'),
      'orphan.yaml': missingProvider,
    });
    const result = await runCli(['check', '-f', directory, '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.ok).toBe(false);
    expect(json.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: join(directory, 'orphan.yaml'), line: expect.any(Number) }),
      ]),
    );
    expect(result.stderr).toMatch(/orphan\.yaml:\d+/);
    expect(result.stderr).toContain('nowhere');
  });

  it('exits 2 for a path that does not exist, and without -f', async () => {
    const missing = await runCli(['check', '-f', '/no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read /no/such/dir: ENOENT');
    const none = await runCli(['check']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no manifests');
  });
});
