import type { CliIo } from './cli-io.js';
import { colourWanted, type Paint, painter } from './terminal-style.js';

/** A command's two channels: results on stdout (JSON with `--json`), diagnostics on stderr. */
export class Output {
  readonly json: boolean;
  /** Colours for stdout, off unless stdout is a terminal. */
  readonly paint: Paint;
  /** Colours for stderr, off unless stderr is a terminal. */
  readonly paintError: Paint;
  private readonly io: CliIo;

  constructor(io: CliIo, json: boolean) {
    this.io = io;
    this.json = json;
    this.paint = painter(!json && colourWanted(io.isTTY.stdout, io.env));
    this.paintError = painter(colourWanted(io.isTTY.stderr, io.env));
  }

  /** One line of the human result on stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** One diagnostic line on stderr. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The machine result on stdout: one JSON document per line. */
  data(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }
}
