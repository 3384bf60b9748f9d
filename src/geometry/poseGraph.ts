// Pose-graph optimisation, for loop closure. Keyframe poses are the nodes; relative poses measured between keyframes
// are the edges (each keyframe to the one before it, as tracked; a keyframe to an older one it recognised: a loop).
// Where a loop's measurement disagrees with the chain of tracked steps (the drift), the poses are moved so that every
// edge is met as well as it can be: the error is spread along the loop instead of being left at its end.
// Levenberg-Marquardt on SE(3); each step's sparse system (a 6x6 block per node and per edge) is solved exactly by
// block elimination in minimum-degree order, so for a path with a few loops a step costs in proportion to the
// keyframes, not to their square.
import { composeRigid, invertRigid, rotationFromVector, vectorFromRotation, type Rigid, type Vec3 } from './rigid';

export interface PoseEdge {
  from: number;
  to: number;
  /** The measured pose of `to` in the frame of `from`: from⁻¹ · to. */
  relative: Rigid;
  /** How much the edge counts beside the others (default 1). */
  weight?: number;
}

export interface PoseGraphOptions {
  /** The node held still (the map's frame stays where it was); default the first. */
  fixed?: number;
  maxIterations?: number;
  /** An edge's expected error: rotation (rad) and translation (m); they set how the two kinds of error trade. */
  rotationSigma?: number;
  translationSigma?: number;
}

export interface PoseGraphResult {
  poses: Rigid[];
  /** Sum of squared normalised edge errors before and after. */
  initialCost: number;
  finalCost: number;
  iterations: number;
}

const DOF = 6;
const BLOCK = DOF * DOF;

/** Moves a pose by δ = (rotation vector ω, translation v), rotating about the camera's centre in the world's axes. */
function perturb(T: Rigid, d: ArrayLike<number>, at = 0): Rigid {
  return {
    R: composeRigid({ R: rotationFromVector(d[at]!, d[at + 1]!, d[at + 2]!), t: [0, 0, 0] }, { R: T.R, t: [0, 0, 0] }).R,
    t: [T.t[0] + d[at + 3]!, T.t[1] + d[at + 4]!, T.t[2] + d[at + 5]!],
  };
}

/** The error of an edge, normalised by the sigmas: how far `to` is from where the measurement puts it, seen from `from`. */
function edgeResidual(from: Rigid, to: Rigid, measuredInverse: Rigid, scaleR: number, scaleT: number): number[] {
  const e = composeRigid(measuredInverse, composeRigid(invertRigid(from), to));
  const w = vectorFromRotation(e.R);
  return [w[0] * scaleR, w[1] * scaleR, w[2] * scaleR, e.t[0] * scaleT, e.t[1] * scaleT, e.t[2] * scaleT];
}

/** Optimises `poses` (camera-to-world) to agree with `edges`; returns new poses, the input is left as it was. */
export function optimisePoseGraph(poses: readonly Rigid[], edges: readonly PoseEdge[], options: PoseGraphOptions = {}): PoseGraphResult {
  const n = poses.length;
  const fixed = options.fixed ?? 0;
  const sr = 1 / (options.rotationSigma ?? 0.01);
  const st = 1 / (options.translationSigma ?? 0.01);
  const maxIterations = options.maxIterations ?? 20;
  const inverses = edges.map((e) => invertRigid(e.relative));
  const scales = edges.map((e) => Math.sqrt(e.weight ?? 1));
  let current = poses.map((p) => ({ R: [...p.R], t: [...p.t] as Vec3 }));

  const residual = (k: number, from: Rigid, to: Rigid) => edgeResidual(from, to, inverses[k]!, sr * scales[k]!, st * scales[k]!);
  const costOf = (ps: Rigid[]) => edges.reduce((s, e, k) => s + residual(k, ps[e.from]!, ps[e.to]!).reduce((a, v) => a + v * v, 0), 0);

  const initialCost = costOf(current);
  let cost = initialCost;
  let lambda = 1e-4;
  let iterations = 0;
  let converged = n <= 1;
  while (!converged && iterations < maxIterations) {
    iterations++;
    // Normal equations: a diagonal block per node, an off-diagonal block per edge, the gradient per node.
    const diag = new Float64Array(n * BLOCK);
    const off = new Float64Array(edges.length * BLOCK);
    const grad = new Float64Array(n * DOF);
    edges.forEach((e, k) => {
      const a = current[e.from]!;
      const b = current[e.to]!;
      const r0 = residual(k, a, b);
      const Ja = numericJacobian((d) => residual(k, perturb(a, d), b), r0);
      const Jb = numericJacobian((d) => residual(k, a, perturb(b, d)), r0);
      addJtJ(diag, e.from * BLOCK, Ja, Ja);
      addJtJ(diag, e.to * BLOCK, Jb, Jb);
      addJtJ(off, k * BLOCK, Ja, Jb);
      addJtr(grad, e.from * DOF, Ja, r0);
      addJtr(grad, e.to * DOF, Jb, r0);
    });
    let improved = false;
    while (!improved && lambda < 1e8) {
      const step = solveBlockSparse(diag, off, edges, grad, n, fixed, lambda);
      const trial = current.map((p, i) => (i === fixed ? p : perturb(p, step, i * DOF)));
      const trialCost = costOf(trial);
      if (trialCost < cost) {
        const gain = cost - trialCost;
        current = trial;
        cost = trialCost;
        lambda = Math.max(1e-8, lambda / 10);
        improved = true;
        converged = gain < 1e-6 * cost;
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  return { poses: current, initialCost, finalCost: cost, iterations };
}

/** d r / d δ by forward differences (6 x 6, row-major: residual row, parameter column). */
function numericJacobian(f: (d: number[]) => number[], r0: number[]): Float64Array {
  const J = new Float64Array(BLOCK);
  const h = 1e-7;
  for (let c = 0; c < DOF; c++) {
    const d = [0, 0, 0, 0, 0, 0];
    d[c] = h;
    const r = f(d);
    for (let row = 0; row < DOF; row++) J[row * DOF + c] = (r[row]! - r0[row]!) / h;
  }
  return J;
}

/** out[at..] += Aᵀ B (6x6 blocks). */
function addJtJ(out: Float64Array, at: number, A: Float64Array, B: Float64Array): void {
  for (let i = 0; i < DOF; i++) {
    for (let j = 0; j < DOF; j++) {
      let s = 0;
      for (let r = 0; r < DOF; r++) s += A[r * DOF + i]! * B[r * DOF + j]!;
      out[at + i * DOF + j]! += s;
    }
  }
}

/** out[at..] += Aᵀ r. */
function addJtr(out: Float64Array, at: number, A: Float64Array, r: number[]): void {
  for (let i = 0; i < DOF; i++) {
    let s = 0;
    for (let row = 0; row < DOF; row++) s += A[row * DOF + i]! * r[row]!;
    out[at + i]! += s;
  }
}

/**
 * Solves (H + λ·diag(H)) δ = -g exactly, H given as its node blocks and edge blocks, with the fixed node's δ held at
 * zero: block Gaussian elimination, a node of fewest neighbours first (minimum degree). A tracked path is a chain with
 * a few loops, so each elimination joins two or three neighbours and the cost stays linear in the keyframes.
 */
function solveBlockSparse(
  diag: Float64Array,
  off: Float64Array,
  edges: readonly PoseEdge[],
  grad: Float64Array,
  n: number,
  fixed: number,
  lambda: number,
): Float64Array {
  // Per node: its (damped) diagonal block, right-hand side, and the blocks H_ij to its neighbours (row i, column j).
  const D = Array.from({ length: n }, (_, i) => {
    const block = diag.slice(i * BLOCK, (i + 1) * BLOCK);
    for (let d = 0; d < DOF; d++) block[d * DOF + d]! += lambda * block[d * DOF + d]! + 1e-9;
    return block;
  });
  const rhs = Array.from({ length: n }, (_, i) => Float64Array.from(grad.subarray(i * DOF, (i + 1) * DOF), (v) => -v));
  const links = Array.from({ length: n }, () => new Map<number, Float64Array>());
  const addLink = (i: number, j: number, block: Float64Array, sign: number) => {
    const ij = links[i]!.get(j) ?? links[i]!.set(j, new Float64Array(BLOCK)).get(j)!;
    const ji = links[j]!.get(i) ?? links[j]!.set(i, new Float64Array(BLOCK)).get(i)!;
    for (let r = 0; r < DOF; r++) {
      for (let c = 0; c < DOF; c++) {
        ij[r * DOF + c]! += sign * block[r * DOF + c]!;
        ji[c * DOF + r]! += sign * block[r * DOF + c]!;
      }
    }
  };
  edges.forEach((e, k) => {
    if (e.from !== fixed && e.to !== fixed && e.from !== e.to) addLink(e.from, e.to, off.subarray(k * BLOCK, (k + 1) * BLOCK), 1);
  });
  const done = new Uint8Array(n);
  done[fixed] = 1;
  // Fewest neighbours first, from a heap of (degree, node) entries; an entry whose degree has changed is stale.
  const queue = new DegreeQueue();
  for (let i = 0; i < n; i++) if (i !== fixed) queue.push(links[i]!.size, i);
  const steps: { k: number; inverse: Float64Array; rhs: Float64Array; links: [number, Float64Array][] }[] = [];
  for (let k = queue.pop(); k >= 0; k = queue.pop()) {
    if (done[k] || queue.lastDegree !== links[k]!.size) continue;
    done[k] = 1;
    const inverse = invert6(D[k]!);
    const around = [...links[k]!.entries()];
    // Schur complement: each pair of k's neighbours is joined through k.
    const through = around.map(([i]) => multiply6(links[i]!.get(k)!, inverse));
    around.forEach(([i], a) => {
      links[i]!.delete(k);
      const Wa = through[a]!;
      for (let r = 0; r < DOF; r++) for (let c = 0; c < DOF; c++) rhs[i]![r]! -= Wa[r * DOF + c]! * rhs[k]![c]!;
      around.forEach(([j, Hkj], b) => {
        if (b < a) return;
        const S = multiply6(Wa, Hkj);
        if (i === j) for (let q = 0; q < BLOCK; q++) D[i]![q]! -= S[q]!;
        else addLink(i, j, S, -1);
      });
    });
    steps.push({ k, inverse, rhs: rhs[k]!, links: around });
    for (const [i] of around) queue.push(links[i]!.size, i);
  }
  // Back-substitution, last eliminated first: each node from the neighbours it had when it was eliminated.
  const x = new Float64Array(n * DOF);
  for (let s = steps.length - 1; s >= 0; s--) {
    const { k, inverse, rhs: b, links: around } = steps[s]!;
    const v = Float64Array.from(b);
    for (const [j, Hkj] of around) blockMulAdd(Hkj, x, j * DOF, v, 0, -1);
    blockMulAdd(inverse, v, 0, x, k * DOF);
  }
  return x;
}

/** A 6x6 block's inverse by Gauss-Jordan elimination with partial pivoting; zero where singular. */
function invert6(A: Float64Array): Float64Array {
  const M = Float64Array.from(A);
  const out = new Float64Array(BLOCK);
  for (let d = 0; d < DOF; d++) out[d * DOF + d] = 1;
  for (let c = 0; c < DOF; c++) {
    let p = c;
    for (let r = c + 1; r < DOF; r++) if (Math.abs(M[r * DOF + c]!) > Math.abs(M[p * DOF + c]!)) p = r;
    const pivot = M[p * DOF + c]!;
    if (Math.abs(pivot) < 1e-300) return new Float64Array(BLOCK);
    for (let q = 0; q < DOF; q++) {
      [M[c * DOF + q], M[p * DOF + q]] = [M[p * DOF + q]!, M[c * DOF + q]!];
      [out[c * DOF + q], out[p * DOF + q]] = [out[p * DOF + q]!, out[c * DOF + q]!];
    }
    for (let q = 0; q < DOF; q++) {
      M[c * DOF + q]! /= pivot;
      out[c * DOF + q]! /= pivot;
    }
    for (let r = 0; r < DOF; r++) {
      const f = M[r * DOF + c]!;
      if (r === c || f === 0) continue;
      for (let q = 0; q < DOF; q++) {
        M[r * DOF + q]! -= f * M[c * DOF + q]!;
        out[r * DOF + q]! -= f * out[c * DOF + q]!;
      }
    }
  }
  return out;
}

function multiply6(A: Float64Array, B: Float64Array): Float64Array {
  const out = new Float64Array(BLOCK);
  for (let r = 0; r < DOF; r++) {
    for (let c = 0; c < DOF; c++) {
      let s = 0;
      for (let q = 0; q < DOF; q++) s += A[r * DOF + q]! * B[q * DOF + c]!;
      out[r * DOF + c] = s;
    }
  }
  return out;
}

/** out[o..o+6] += sign · B x[xi..xi+6], B a 6x6 block. */
function blockMulAdd(B: Float64Array, x: Float64Array, xi: number, out: Float64Array, o: number, sign = 1): void {
  for (let i = 0; i < DOF; i++) {
    let s = 0;
    for (let j = 0; j < DOF; j++) s += B[i * DOF + j]! * x[xi + j]!;
    out[o + i]! += sign * s;
  }
}

/** A binary min-heap of (degree, node); `pop` gives the node (-1 when empty) and sets `lastDegree`. */
class DegreeQueue {
  private readonly heap: [number, number][] = [];
  lastDegree = 0;

  push(degree: number, node: number): void {
    const h = this.heap;
    h.push([degree, node]);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent]![0] <= h[i]![0]) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  pop(): number {
    const h = this.heap;
    if (h.length === 0) return -1;
    const [degree, node] = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]![0] < h[m]![0]) m = l;
        if (r < h.length && h[r]![0] < h[m]![0]) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    this.lastDegree = degree;
    return node;
  }
}

/**
 * A growing pose graph over keyframes named by id (the pipeline's keyframe index): nodes are added as keyframes are
 * placed, edges as they are measured; `optimise` moves every node and returns each one's correction.
 */
export class PoseGraph {
  private readonly slots = new Map<number, number>();
  private readonly ids: number[] = [];
  private poses: Rigid[] = [];
  private readonly edges: PoseEdge[] = [];

  get nodeCount(): number {
    return this.ids.length;
  }

  get edgeCount(): number {
    return this.edges.length;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  pose(id: number): Rigid | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.poses[slot];
  }

  addNode(id: number, pose: Rigid): void {
    const slot = this.slots.get(id);
    if (slot !== undefined) {
      this.poses[slot] = pose;
      return;
    }
    this.slots.set(id, this.ids.length);
    this.ids.push(id);
    this.poses.push(pose);
  }

  /** An edge between two nodes already added (`relative`: the pose of `to` in the frame of `from`); null if not. */
  addEdge(from: number, to: number, relative: Rigid, weight = 1): PoseEdge | null {
    const a = this.slots.get(from);
    const b = this.slots.get(to);
    if (a === undefined || b === undefined || a === b) return null;
    const edge = { from: a, to: b, relative, weight };
    this.edges.push(edge);
    return edge;
  }

  removeEdge(edge: PoseEdge): void {
    const i = this.edges.indexOf(edge);
    if (i >= 0) this.edges.splice(i, 1);
  }

  /** How far an edge's measurement is from the nodes' poses now: distance (m) and angle (rad). */
  disagreement(from: number, to: number, relative: Rigid): { moved: number; angle: number } {
    const a = this.pose(from);
    const b = this.pose(to);
    if (!a || !b) return { moved: 0, angle: 0 };
    const e = composeRigid(invertRigid(relative), composeRigid(invertRigid(a), b));
    return { moved: Math.hypot(...e.t), angle: Math.hypot(...vectorFromRotation(e.R)) };
  }

  /**
   * Optimises every pose, the first node held still; returns each node's correction (new pose · old pose⁻¹, a world
   * transform) by id, and the edges' cost before and after.
   */
  optimise(options: Omit<PoseGraphOptions, 'fixed'> = {}): {
    corrections: Map<number, Rigid>;
    initialCost: number;
    finalCost: number;
    iterations: number;
    /** Puts every pose back as it was before this optimisation. */
    undo(): void;
  } {
    const before = this.poses;
    const result = optimisePoseGraph(this.poses, this.edges, { ...options, fixed: 0 });
    const corrections = new Map<number, Rigid>();
    result.poses.forEach((p, slot) => corrections.set(this.ids[slot]!, composeRigid(p, invertRigid(before[slot]!))));
    this.poses = result.poses;
    const undo = () => {
      this.poses = before;
    };
    return { corrections, initialCost: result.initialCost, finalCost: result.finalCost, iterations: result.iterations, undo };
  }

  clear(): void {
    this.slots.clear();
    this.ids.length = 0;
    this.poses = [];
    this.edges.length = 0;
  }
}
