/** The receipt file's suggested name (ASCII, so that no mail program mangles it). */
export function receiptFileName(handoverId: string, kind: "received" | "destroyed"): string {
  return `${handoverId}-${kind}.receipt.age`;
}
