// Compares a map with a reference map of the same place (both as points in the same frame): completeness is the
// share of the reference's points with a point of the map within `radius`. The tracking evaluation uses it to ask
// whether the map built from model-like depth covers what the map from the sensor's depth covers.

/** Share of `reference` points (xyz triples) with a `candidate` point within `radius` (m). */
export function completeness(reference: Float32Array, candidate: Float32Array, radius: number): number {
  const n = reference.length / 3;
  if (n === 0) return Number.NaN;
  // Candidates hashed into cells of edge `radius`: a neighbour within the radius is in the 27 cells around.
  const cells = new Map<string, number[]>();
  const key = (x: number, y: number, z: number) => `${x},${y},${z}`;
  for (let j = 0; j < candidate.length / 3; j++) {
    const k = key(Math.floor(candidate[3 * j]! / radius), Math.floor(candidate[3 * j + 1]! / radius), Math.floor(candidate[3 * j + 2]! / radius));
    const list = cells.get(k);
    if (list) list.push(j);
    else cells.set(k, [j]);
  }
  let covered = 0;
  const r2 = radius * radius;
  for (let i = 0; i < n; i++) {
    const x = reference[3 * i]!;
    const y = reference[3 * i + 1]!;
    const z = reference[3 * i + 2]!;
    const cx = Math.floor(x / radius);
    const cy = Math.floor(y / radius);
    const cz = Math.floor(z / radius);
    search: for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++)
          for (const j of cells.get(key(cx + dx, cy + dy, cz + dz)) ?? []) {
            if ((candidate[3 * j]! - x) ** 2 + (candidate[3 * j + 1]! - y) ** 2 + (candidate[3 * j + 2]! - z) ** 2 <= r2) {
              covered++;
              break search;
            }
          }
  }
  return covered / n;
}
