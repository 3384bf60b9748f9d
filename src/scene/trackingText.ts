// Tracking's state in words, one wording for every place that shows it (the capture counters, the notice).
import type { LoopClosureStats, TrackingState } from '../geometry/types';

/** "ok, 412 matches" / "ok, placed by its depth" / "lost: the view changed too fast or has too few features". */
export function trackingStatusText(t: TrackingState): string {
  if (t.status === 'lost') return `lost: ${t.reason ?? 'reason unknown'}`;
  return t.odometry ? 'ok, placed by its depth (too few features matched)' : `ok, ${t.inliers} matches`;
}

/** The notice while tracking is lost: the same reason, and what to do. */
export function trackingLostNotice(t: TrackingState): string {
  return `Tracking ${trackingStatusText(t)}. Point the camera back at a part of the room already seen; nothing is added to the map until then.`;
}

/** The notice after a loop closure: the capture came back to a place seen before and the map was straightened. */
export function loopClosedNotice(stats: LoopClosureStats): string {
  const cm = Math.max(1, Math.round(stats.largestMove * 100));
  return `Recognised a place seen earlier (keyframe ${stats.loopTo}): the map and the camera path were corrected, by up to ${cm} cm.`;
}
