import type { OtlpExportTraceRequest, OtlpSpan, OtlpStringAttribute } from './otlp-trace.js';
import { ProtoWriter } from './protobuf-writer.js';

/**
 * The binary protobuf of an ExportTraceServiceRequest (opentelemetry-proto `trace/v1`), for the
 * subset this provider produces. Fields in field-number order; proto3 defaults (empty strings,
 * zeros) left out, except inside the `AnyValue` oneof, where a set value is always written.
 */
export function encodeOtlpTraceProtobuf(request: OtlpExportTraceRequest): Uint8Array {
  const message = new ProtoWriter();
  for (const resourceSpans of request.resourceSpans) {
    message.message(1, (writer) => {
      writer.message(1, (resource) => {
        for (const attribute of resourceSpans.resource.attributes) resource.message(1, keyValue(attribute));
      });
      for (const scopeSpans of resourceSpans.scopeSpans) {
        writer.message(2, (scopeWriter) => {
          scopeWriter.message(1, (scope) => scope.string(1, scopeSpans.scope.name));
          for (const span of scopeSpans.spans)
            scopeWriter.message(2, (spanWriter) => writeSpan(spanWriter, span));
        });
      }
      writer.string(3, resourceSpans.schemaUrl);
    });
  }
  return message.finish();
}

function writeSpan(writer: ProtoWriter, span: OtlpSpan): void {
  writer.bytes(1, Buffer.from(span.traceId, 'hex'));
  writer.bytes(2, Buffer.from(span.spanId, 'hex'));
  writer.string(5, span.name);
  writer.varint(6, span.kind);
  writer.fixed64(7, BigInt(span.startTimeUnixNano));
  writer.fixed64(8, BigInt(span.endTimeUnixNano));
  for (const attribute of span.attributes) writer.message(9, keyValue(attribute));
  writer.message(15, (status) => {
    status.string(2, span.status.message ?? '');
    status.varint(3, span.status.code);
  });
  writer.fixed32(16, span.flags);
}

function keyValue(attribute: OtlpStringAttribute): (writer: ProtoWriter) => void {
  return (writer) => {
    writer.string(1, attribute.key);
    // string_value is a oneof member: written even when empty, so the value stays a string.
    writer.message(2, (value) => value.string(1, attribute.value.stringValue, { always: true }));
  };
}
