// The plan numbers an answer names ("object 3", "objects 2 and 5", "[4]", "#6"): the objects the 3D view highlights
// for a VLM answer. The numbers are the plan's and the scene summary's (src/spatial/sceneMemory.ts numberedObjects).
// Plain module.

/** Distinct numbers the text names as objects, in order of first mention; at most `max`. */
export function mentionedObjectNumbers(text: string, max = 12): number[] {
  const found: number[] = [];
  const add = (n: number) => {
    if (Number.isInteger(n) && n > 0 && n < 10_000 && !found.includes(n) && found.length < max) found.push(n);
  };
  // "object 3", "objects 2, 4 and 5", "object #3", "obj. 3"
  for (const m of text.matchAll(/\b(?:objects?|obj\.?)\s+((?:#?\d+)(?:\s*(?:,|and|&|or)\s*#?\d+)*)/gi)) {
    for (const n of m[1]!.matchAll(/\d+/g)) add(Number(n[0]));
  }
  // "[3]" as the summary writes them, and "#3"
  for (const m of text.matchAll(/\[(\d+)\]|(?<![\w#])#(\d+)\b/g)) add(Number(m[1] ?? m[2]));
  return found;
}
