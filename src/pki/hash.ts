// A fast, non-cryptographic hash of bytes for in-memory indexes (certificate pools, name indexes).
// Collisions only put two entries in one bucket: every index that uses it compares the bytes too.

/** 32-bit FNV-1a of `b[from..to)`. */
export function hashBytes(b: Uint8Array, from = 0, to = b.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
