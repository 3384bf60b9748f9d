// Rigid alignment of corresponding 3D points (no scale: the reconstruction is metric), by Horn's
// closed-form quaternion method: the rotation is the top eigenvector of a 4x4 symmetric matrix.
// Used by the trajectory evaluation (ATE) and by camera tracking.

export type Vec3 = [number, number, number];

/** Row-major 3x3 rotation and a translation: y = R·x + t. */
export interface Rigid {
  R: number[];
  t: Vec3;
}

/** Eigen-decomposition of a symmetric n×n matrix (row-major) by cyclic Jacobi rotations. */
export function symmetricEigen(a: number[], n: number): { values: number[]; vectors: number[] } {
  const m = a.slice();
  const v: number[] = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => m[i * n + i]!), vectors: v };
}

/** The rigid transform minimising Σ w·‖R·src + t − dst‖² (weights optional). */
export function alignRigid(src: Vec3[], dst: Vec3[], weights?: number[]): Rigid {
  const n = src.length;
  if (n !== dst.length || n < 3) throw new Error(`alignRigid needs ≥ 3 pairs, got ${n} and ${dst.length}`);
  let wSum = 0;
  const cs = [0, 0, 0];
  const cd = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const w = weights?.[i] ?? 1;
    wSum += w;
    for (let a = 0; a < 3; a++) {
      cs[a]! += w * src[i]![a]!;
      cd[a]! += w * dst[i]![a]!;
    }
  }
  for (let a = 0; a < 3; a++) {
    cs[a]! /= wSum;
    cd[a]! /= wSum;
  }
  // Cross-covariance S[a][b] = Σ w (src−cs)_a (dst−cd)_b
  const S = new Array<number>(9).fill(0);
  for (let i = 0; i < n; i++) {
    const w = weights?.[i] ?? 1;
    for (let a = 0; a < 3; a++) {
      const x = src[i]![a]! - cs[a]!;
      for (let b = 0; b < 3; b++) S[a * 3 + b]! += w * x * (dst[i]![b]! - cd[b]!);
    }
  }
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = S as [number, number, number, number, number, number, number, number, number];
  const N = [
    sxx + syy + szz,
    syz - szy,
    szx - sxz,
    sxy - syx,
    syz - szy,
    sxx - syy - szz,
    sxy + syx,
    szx + sxz,
    szx - sxz,
    sxy + syx,
    -sxx + syy - szz,
    syz + szy,
    sxy - syx,
    szx + sxz,
    syz + szy,
    -sxx - syy + szz,
  ];
  const { values, vectors } = symmetricEigen(N, 4);
  let best = 0;
  for (let i = 1; i < 4; i++) if (values[i]! > values[best]!) best = i;
  const [w, x, y, z] = [0, 1, 2, 3].map((r) => vectors[r * 4 + best]!) as [number, number, number, number];
  const R = [
    w * w + x * x - y * y - z * z,
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    w * w - x * x + y * y - z * z,
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    w * w - x * x - y * y + z * z,
  ];
  const t: Vec3 = [0, 1, 2].map((a) => cd[a]! - (R[a * 3]! * cs[0]! + R[a * 3 + 1]! * cs[1]! + R[a * 3 + 2]! * cs[2]!)) as Vec3;
  return { R, t };
}

/**
 * The similarity (scale s, then rigid) minimising Σ‖s·R·src + t − dst‖² (Umeyama): the rotation is the rigid fit's
 * (it does not depend on the scale), the scale the projection of the centred targets on the rotated sources.
 */
export function alignSimilarity(src: Vec3[], dst: Vec3[]): { scale: number; rigid: Rigid } {
  const { R } = alignRigid(src, dst);
  const mean = (ps: Vec3[]) => [0, 1, 2].map((a) => ps.reduce((s, p) => s + p[a]!, 0) / ps.length) as Vec3;
  const cs = mean(src);
  const cd = mean(dst);
  let num = 0;
  let den = 0;
  for (let i = 0; i < src.length; i++) {
    const x = [src[i]![0] - cs[0], src[i]![1] - cs[1], src[i]![2] - cs[2]];
    const rx = applyRigid({ R, t: [0, 0, 0] }, x as Vec3);
    num += rx[0] * (dst[i]![0] - cd[0]) + rx[1] * (dst[i]![1] - cd[1]) + rx[2] * (dst[i]![2] - cd[2]);
    den += x[0]! ** 2 + x[1]! ** 2 + x[2]! ** 2;
  }
  const scale = den > 0 ? num / den : 1;
  const rcs = applyRigid({ R, t: [0, 0, 0] }, cs);
  return { scale, rigid: { R, t: [cd[0] - scale * rcs[0], cd[1] - scale * rcs[1], cd[2] - scale * rcs[2]] } };
}

/** The rotation (row-major 3x3) of the rotation vector (x, y, z): axis times angle (Rodrigues). */
export function rotationFromVector(x: number, y: number, z: number): number[] {
  const th = Math.hypot(x, y, z);
  if (th < 1e-12) return [1, -z, y, z, 1, -x, -y, x, 1];
  const [a, b, c] = [x / th, y / th, z / th];
  const co = Math.cos(th);
  const si = Math.sin(th);
  const C = 1 - co;
  return [
    co + a * a * C,
    a * b * C - c * si,
    a * c * C + b * si,
    b * a * C + c * si,
    co + b * b * C,
    b * c * C - a * si,
    c * a * C - b * si,
    c * b * C + a * si,
    co + c * c * C,
  ];
}

/** The rotation vector (axis times angle) of a row-major 3x3 rotation: the inverse of `rotationFromVector`. */
export function vectorFromRotation(R: ArrayLike<number>): Vec3 {
  const cos = Math.min(1, Math.max(-1, (R[0]! + R[4]! + R[8]! - 1) / 2));
  const th = Math.acos(cos);
  const w: Vec3 = [R[7]! - R[5]!, R[2]! - R[6]!, R[3]! - R[1]!];
  if (th < 1e-6) return [w[0] / 2, w[1] / 2, w[2] / 2];
  if (Math.PI - th < 1e-4) {
    // Near a half turn the antisymmetric part vanishes: the axis is the column of R + I with the largest norm.
    const cols = [0, 1, 2].map((c) => [R[c]! + (c === 0 ? 1 : 0), R[3 + c]! + (c === 1 ? 1 : 0), R[6 + c]! + (c === 2 ? 1 : 0)] as Vec3);
    const norms = cols.map((c) => Math.hypot(c[0], c[1], c[2]));
    const best = norms.indexOf(Math.max(...norms));
    const axis = cols[best]!;
    const n = norms[best]!;
    return [(axis[0] / n) * th, (axis[1] / n) * th, (axis[2] / n) * th];
  }
  const f = th / (2 * Math.sin(th));
  return [w[0] * f, w[1] * f, w[2] * f];
}

/** Solves the n x n system A x = b (row-major A) by Gaussian elimination with partial pivoting; null when singular. */
export function solveLinear(A: ArrayLike<number>, b: ArrayLike<number>, n: number): number[] | null {
  const M = Array.from(A);
  const x = Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[p * n + c]!)) p = r;
    if (Math.abs(M[p * n + c]!) < 1e-12) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k]!, M[c * n + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c]! / M[c * n + c]!;
      for (let k = c; k < n; k++) M[r * n + k]! -= f * M[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= M[r * n + k]! * x[k]!;
    x[r] = s / M[r * n + r]!;
  }
  return x;
}

export function applyRigid(T: Rigid, p: Vec3): Vec3 {
  const { R, t } = T;
  return [
    R[0]! * p[0] + R[1]! * p[1] + R[2]! * p[2] + t[0],
    R[3]! * p[0] + R[4]! * p[1] + R[5]! * p[2] + t[1],
    R[6]! * p[0] + R[7]! * p[1] + R[8]! * p[2] + t[2],
  ];
}

export function invertRigid(T: Rigid): Rigid {
  const R = T.R;
  const Rt = [R[0]!, R[3]!, R[6]!, R[1]!, R[4]!, R[7]!, R[2]!, R[5]!, R[8]!];
  const t = T.t;
  return { R: Rt, t: [0, 1, 2].map((a) => -(Rt[a * 3]! * t[0] + Rt[a * 3 + 1]! * t[1] + Rt[a * 3 + 2]! * t[2])) as Vec3 };
}

export function composeRigid(A: Rigid, B: Rigid): Rigid {
  const R = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) R[r * 3 + c] = A.R[r * 3]! * B.R[c]! + A.R[r * 3 + 1]! * B.R[3 + c]! + A.R[r * 3 + 2]! * B.R[6 + c]!;
  return { R, t: applyRigid(A, B.t) };
}

/**
 * The rotation nearest to a nearly orthonormal R (polar decomposition by Newton iteration, R ← R(3I − RᵀR)/2). Rounding
 * leaves composed rotations slightly off; where a pose is extrapolated from earlier ones (constant velocity) that error
 * compounds (×2.4 a frame) until the "rotation" shears the scene, so poses made that way are cleaned with this.
 */
export function nearestRotation(T: Rigid): Rigid {
  let R = Array.from(T.R);
  for (let it = 0; it < 6; it++) {
    const RtR = new Array<number>(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) RtR[r * 3 + c] = R[r]! * R[c]! + R[3 + r]! * R[3 + c]! + R[6 + r]! * R[6 + c]!;
    let off = 0;
    for (let k = 0; k < 9; k++) off = Math.max(off, Math.abs(RtR[k]! - (k % 4 === 0 ? 1 : 0)));
    if (off < 1e-13) break;
    const next = new Array<number>(9);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += R[r * 3 + k]! * ((k === c ? 3 : 0) - RtR[k * 3 + c]!);
        next[r * 3 + c] = s / 2;
      }
    }
    R = next;
  }
  return { R, t: [...T.t] as Vec3 };
}

/** Where a camera goes next if it keeps moving as it moved from `prev` to `last` (constant velocity), as a rigid pose. */
export function constantVelocityPose(prev: Rigid, last: Rigid): Rigid {
  return nearestRotation(composeRigid(last, composeRigid(invertRigid(prev), last)));
}

/** Column-major 4x4 (three.js order) from a rigid transform. */
export function rigidToMatrix(T: Rigid): Float32Array {
  const { R, t } = T;
  return Float32Array.of(R[0]!, R[3]!, R[6]!, 0, R[1]!, R[4]!, R[7]!, 0, R[2]!, R[5]!, R[8]!, 0, t[0], t[1], t[2], 1);
}

export function matrixToRigid(m: ArrayLike<number>): Rigid {
  return { R: [m[0]!, m[4]!, m[8]!, m[1]!, m[5]!, m[9]!, m[2]!, m[6]!, m[10]!], t: [m[12]!, m[13]!, m[14]!] };
}
