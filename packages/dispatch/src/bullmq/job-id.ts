/**
 * The BullMQ job id of a delivery: its id, with the two things BullMQ refuses in a custom id made
 * acceptable. `:` (BullMQ's key separator) and `%` are percent-encoded, and an id that is a bare
 * integer (BullMQ's own ids) gets a `%` in front. Distinct delivery ids stay distinct.
 */
export function jobIdOf(deliveryId: string): string {
  const escaped = deliveryId.replace(/%/g, '%25').replace(/:/g, '%3A');
  return /^\d+$/.test(escaped) ? `%${escaped}` : escaped;
}
