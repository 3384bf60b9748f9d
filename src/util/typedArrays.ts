// Typed-array helpers shared by the parts that stitch chunks of points back together.

/** The parts one after another in one array of their type (the part itself when there is one). */
export function concat<T extends Float32Array | Uint8Array>(parts: T[], Type: { new (n: number): T }): T {
  if (parts.length === 1) return parts[0]!;
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
