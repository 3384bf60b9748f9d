// `npm test`: fixture models (made when missing), type check, format and lint (Biome), unit tests (vitest, Node),
// production build, then end-to-end tests (Playwright in Debian's Chromium with WebGPU on SwiftShader).
// Prints each runner's summary and one closing line for all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureFixtures } from './fixtures/make-fixtures.ts';

/** The runners write machine-readable results here, for the closing line. */
const REPORTS = 'reports';

interface Step {
  name: string;
  cmd: string;
  args: string[];
}

const steps: Step[] = [
  { name: 'typecheck', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: 'npx', args: ['biome', 'ci', '--reporter=summary', '.'] },
  { name: 'unit', cmd: 'npx', args: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORTS}/unit.json`] },
  // The e2e tests serve a build made for tests: it has the test hook and trusts the fixture models' catalog.
  { name: 'build', cmd: 'npx', args: ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn'] },
  { name: 'e2e', cmd: 'npx', args: ['playwright', 'test'] },
];

/** Passed / failed / skipped over both test runners, read from their JSON reports. */
function counts(): { passed: number; failed: number; skipped: number } {
  const total = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(`${REPORTS}/unit.json`)) {
    const u = JSON.parse(readFileSync(`${REPORTS}/unit.json`, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    total.passed += u.numPassedTests;
    total.failed += u.numFailedTests;
    total.skipped += u.numPendingTests + u.numTodoTests;
  }
  if (existsSync(`${REPORTS}/e2e.json`)) {
    const e = JSON.parse(readFileSync(`${REPORTS}/e2e.json`, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
    total.passed += e.stats.expected + e.stats.flaky;
    total.failed += e.stats.unexpected;
    total.skipped += e.stats.skipped;
  }
  return total;
}

rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });
await ensureFixtures();
const failed: string[] = [];
for (const step of steps) {
  console.log(`\n== ${step.name}: ${step.cmd} ${step.args.join(' ')}`);
  const t0 = Date.now();
  const run = spawnSync(step.cmd, step.args, { stdio: 'inherit' });
  const ok = run.status === 0;
  console.log(`== ${step.name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (!ok) {
    failed.push(step.name);
    // A failed type check or unit run still lets the later runners report; a failed build cannot.
    if (step.name === 'build') break;
  }
}
console.log(failed.length ? `\nnpm test: failed steps: ${failed.join(', ')}` : '\nnpm test: all steps passed');
const c = counts();
console.log(
  `tests: ${c.passed} passed, ${c.failed + failed.filter((s) => s === 'typecheck' || s === 'lint' || s === 'build').length} failed, ${c.skipped} skipped`,
);
process.exit(failed.length ? 1 : 0);
