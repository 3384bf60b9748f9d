// How much memory the browser uses: the proportional set size (PSS, shared pages split between their users) of
// every process of the Chromium this test run launched (browser, renderer, GPU, utilities), read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function pssBytes(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0; // gone meanwhile
  }
}

function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * PSS of every process descended from this test process (the browser it launched and all of Chromium's children);
 * with `onlyChromium`, other children (a dev server's esbuild) are left out.
 */
export function browserMemoryBytes(onlyChromium = false): number {
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const parents = new Map(pids.map((p) => [p, parentOf(p)]));
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p; p = parents.get(p) ?? null) if (p === process.pid) return true;
    return false;
  };
  return pids.filter((p) => p !== process.pid && isDescendant(p) && (!onlyChromium || command(p).startsWith('chrom'))).reduce((sum, p) => sum + pssBytes(p), 0);
}
