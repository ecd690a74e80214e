import { providerCatalog } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

describe('notiflux types', () => {
  it('lists every type with its kind and SDK', async () => {
    const result = await runCli(['types']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TYPE\s+KIND\s+SDK$/);
    expect(lines).toHaveLength(providerCatalog.length + 1);
    expect(lines.find((line) => line.startsWith('sentry '))).toMatch(/^sentry\s+tracing\s+@sentry\/node$/);
    expect(lines.find((line) => line.startsWith('generic '))).toMatch(/^generic\s+generic webhook\s+-$/);
  });

  it('prints the catalog as JSON with --json', async () => {
    const result = await runCli(['types', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(providerCatalog);
  });
});
