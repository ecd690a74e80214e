/** The protobuf wire format, just what OTLP traces need: varint, fixed32/64 and length-delimited fields. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private static readonly utf8 = new TextEncoder();

  varint(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, 0);
    this.rawVarint(value);
  }

  fixed32(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    this.chunks.push(bytes);
  }

  fixed64(field: number, value: bigint): void {
    if (value === 0n) return;
    this.tag(field, 1);
    const bytes = new Uint8Array(8);
    // Times before 1970 would be negative; fixed64 carries them as two's complement, as Go's uint64 cast
    // does.
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.chunks.push(bytes);
  }

  string(field: number, value: string, options: { always?: boolean } = {}): void {
    this.bytes(field, ProtoWriter.utf8.encode(value), options);
  }

  bytes(field: number, value: Uint8Array, options: { always?: boolean } = {}): void {
    if (value.length === 0 && !options.always) return;
    this.tag(field, 2);
    this.rawVarint(value.length);
    this.chunks.push(value);
  }

  /** A nested message, always written (an empty one still marks the field as set). */
  message(field: number, write: (writer: ProtoWriter) => void): void {
    const nested = new ProtoWriter();
    write(nested);
    this.bytes(field, nested.finish(), { always: true });
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.chunks.push(Uint8Array.from(bytes));
  }
}
