// A fast, non-cryptographic hash of bytes for in-memory indexes (certificate pools, name indexes).
// Collisions only put two entries in one bucket: every index that uses it compares the bytes too.

/**
 * FNV-1a of `b[from..to)`, folded to 30 bits: a small integer V8 keeps unboxed, so a Map keyed by it
 * allocates no number per lookup (a full 32-bit hash is a heap number half the time).
 */
export function hashBytes(b: Uint8Array, from = 0, to = b.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return (h ^ (h >>> 30)) & 0x3fffffff;
}
