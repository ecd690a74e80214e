/** Where a run of the command reads and writes: the process's streams, or a test's. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Which streams are terminals: decides stdin reading, colour and pretty logs. */
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Aborted to stop a long-running command (`serve`) as SIGTERM would. */
  signal?: AbortSignal;
}

/** What `run` accepts: any part left out comes from the process. */
export interface CliIoOptions extends Partial<Omit<CliIo, 'isTTY'>> {
  isTTY?: boolean | Partial<CliIo['isTTY']>;
}

export function resolveIo(options: CliIoOptions = {}): CliIo {
  const tty =
    typeof options.isTTY === 'boolean'
      ? { stdin: options.isTTY, stdout: options.isTTY, stderr: options.isTTY }
      : options.isTTY;
  const io: CliIo = {
    stdin: options.stdin ?? process.stdin,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? process.env,
    isTTY: {
      stdin: tty?.stdin ?? (options.stdin === undefined && process.stdin.isTTY === true),
      stdout: tty?.stdout ?? (options.stdout === undefined && process.stdout.isTTY === true),
      stderr: tty?.stderr ?? (options.stderr === undefined && process.stderr.isTTY === true),
    },
  };
  if (options.signal !== undefined) io.signal = options.signal;
  return io;
}

/** Reads a stream to its end. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
