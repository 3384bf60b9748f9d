// Mean Relative Accuracy, as VSI-Bench and VSTI-Bench score numerical answers
// (thinking-in-space lmms_eval/tasks/vsibench/utils.py): the share of the 10 thresholds
// θ ∈ {0.50, 0.55, …, 0.95} for which |pred − gt| / gt ≤ 1 − θ.

export const MRA_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);

export function meanRelativeAccuracy(pred: number, gt: number): number {
  if (!Number.isFinite(pred) || !Number.isFinite(gt) || gt === 0) return 0;
  const rel = Math.abs(pred - gt) / Math.abs(gt);
  // A hair of tolerance so that e.g. exactly 10 % off counts for θ = 0.90, as the reference's float maths does.
  return MRA_THRESHOLDS.filter((t) => rel <= 1 - t + 1e-9).length / MRA_THRESHOLDS.length;
}
