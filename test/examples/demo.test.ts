import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertCliBuilt, completion } from '../support/cli-process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('pnpm demo (examples/demo.mjs)', () => {
  it('signs and verifies, then runs notiflux serve as a hub for two clusters, routes, refuses and stops with exit 0', async () => {
    // The demo runs the built packages and the built `notiflux` command, as `pnpm demo` does after `pnpm -s build`.
    assertCliBuilt();
    const child = spawn(process.execPath, ['examples/demo.mjs'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await completion(child);

    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const output = result.stdout;
    // Part 1: the signing demo.
    expect(output).toMatch(/verified X-Signature: true \(sha256=[0-9a-f]{64}\)/);
    expect(output).toContain('receiver answered 401, reason: mismatch');
    expect(output).toContain('receiver answered 401, reason: missing');
    // Part 2: the hub on examples/hub.
    expect(output).toMatch(
      /hub ready on http:\/\/127\.0\.0\.1:\d+, queue: memory, sources: \/clusters\/prod-eu, \/clusters\/staging/,
    );
    expect(output).toMatch(
      /team chat +\(Alert errors-to-chat → slack Provider team-chat\) got, in #flux-alerts:\n +helmrelease\/podinfo\.flux-system: Helm install failed .*\[cluster: prod-eu\]/,
    );
    expect(output).toMatch(
      /X-Signature verified: true\):\n +Kustomization\/apps info ReconciliationSucceeded +\[cluster: staging\]/,
    );
    expect(output).toMatch(
      /X-Signature verified: true\):\n +HelmRelease\/podinfo error InstallFailed +\[cluster: prod-eu\]/,
    );
    expect(output).toMatch(
      /hub answered 429 Too Many Requests, Retry-After: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC/,
    );
    expect(output).toContain('hub answered 401, reason: missing');
    expect(output).toContain('it drained and exited with code 0');
    expect(output).not.toContain('UNEXPECTED');
    expect(output.trim().split('\n').at(-1)).toBe('demo: every outcome as expected');
    // The keys the demo gives the hub and its receivers never show.
    expect(output).not.toContain('prod-eu-demo-key');
    expect(output).not.toContain('audit-log-demo-key');
  }, 90_000);
});
