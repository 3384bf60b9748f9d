// Column-major 4x4 matrices (three.js Matrix4 element order): element (row r, column c) is m[c * 4 + r].

export function identity(): Float32Array {
  const m = new Float32Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** m · (x, y, z, 1), written to out[offset..offset+2]. */
export function transformPoint(m: Float32Array, x: number, y: number, z: number, out: Float32Array, offset = 0): void {
  out[offset] = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
  out[offset + 1] = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
  out[offset + 2] = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
}

/** m applied to every xyz triple of `points`, into a new array. */
export function transformPoints(m: Float32Array, points: ArrayLike<number>): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i + 2 < points.length; i += 3) transformPoint(m, points[i]!, points[i + 1]!, points[i + 2]!, out, i);
  return out;
}

/** a · b (column-major). */
export function multiply(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(16);
  for (let c = 0; c < 4; c++)
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r]! * b[c * 4 + k]!;
      out[c * 4 + r] = s;
    }
  return out;
}
