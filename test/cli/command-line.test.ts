import { PassThrough } from 'node:stream';
import { run } from 'notiflux';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

const commands = ['send', 'encode', 'sign', 'verify', 'types', 'check', 'dispatch', 'serve', 'deliveries'];

describe('notiflux command line', () => {
  it('prints the version of the package', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('lists the commands with --help, and exits 2 with no command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of commands) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: notiflux <command>');
  });

  it.each(commands)('%s --help shows its usage and an example', async (name) => {
    const result = await runCli([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: notiflux ${name}`));
    expect(result.stdout).toMatch(/\nExample:\n {2}\S/);
  });

  it('exits 2 on an unknown command, with a JSON error under --json', async () => {
    const result = await runCli(['sned', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "sned"');
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { name: 'UsageError' } });
  });
});

/** run() in this process, with a fake terminal: colour is a TTY matter. */
async function runInProcess(argv: string[], env: Record<string, string>, isTTY: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const stdin = new PassThrough();
  stdin.end('{}');
  const code = await run(argv, { stdin, stdout, stderr, env, isTTY });
  return { code, stdout: out, stderr: err };
}

describe('colour', () => {
  const ansiEscape = '\u001b[';

  it('is used on a terminal', async () => {
    const result = await runInProcess(['types'], {}, true);
    expect(result.stdout).toContain(ansiEscape);
  });

  it('is never used with NO_COLOR, nor when the output is not a terminal', async () => {
    expect((await runInProcess(['types'], { NO_COLOR: '1' }, true)).stdout).not.toContain(ansiEscape);
    expect((await runInProcess(['types'], {}, false)).stdout).not.toContain(ansiEscape);
    const failure = await runInProcess(['send', '--bogus'], { NO_COLOR: '1' }, true);
    expect(failure.code).toBe(2);
    expect(failure.stderr).not.toContain(ansiEscape);
  });

  it('does not wait on a terminal for an event: exit 2, saying how to give one', async () => {
    const result = await runInProcess(
      ['send', '--type', 'generic', '--address', 'http://127.0.0.1:9/'],
      {},
      true,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no event: give --event FILE, or pipe the event JSON on stdin');
  });
});
