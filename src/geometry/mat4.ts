// Column-major 4x4 matrices (three.js Matrix4 element order): element (row r, column c) is m[c * 4 + r].

export function identity(): Float32Array {
  const m = new Float32Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** a · b */
export function multiply(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + r]! * b[c * 4 + k]!;
      out[c * 4 + r] = sum;
    }
  }
  return out;
}

/** m · (x, y, z, 1), written to out[offset..offset+2]. */
export function transformPoint(m: Float32Array, x: number, y: number, z: number, out: Float32Array, offset = 0): void {
  out[offset] = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
  out[offset + 1] = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
  out[offset + 2] = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
}

/** Inverse of a rigid transform [R t; 0 1]: [Rᵀ −Rᵀt; 0 1]. */
export function invertRigid(m: Float32Array): Float32Array {
  const out = new Float32Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[c * 4 + r] = m[r * 4 + c]!;
  }
  for (let r = 0; r < 3; r++) {
    out[12 + r] = -(out[r]! * m[12]! + out[4 + r]! * m[13]! + out[8 + r]! * m[14]!);
  }
  out[15] = 1;
  return out;
}
