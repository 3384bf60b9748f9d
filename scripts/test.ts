// `npm test`: fixture models (made when missing), type check, unit tests (vitest, Node),
// production build, then end-to-end tests (Playwright in Debian's Chromium with WebGPU on SwiftShader).
// Prints each runner's summary and one closing line for all of them.
import { spawnSync } from 'node:child_process';
import { ensureFixtures } from './fixtures/make-fixtures.ts';

interface Step {
  name: string;
  cmd: string;
  args: string[];
}

const steps: Step[] = [
  { name: 'typecheck', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'unit', cmd: 'npx', args: ['vitest', 'run'] },
  { name: 'build', cmd: 'npx', args: ['vite', 'build', '--logLevel', 'warn'] },
  { name: 'e2e', cmd: 'npx', args: ['playwright', 'test'] },
];

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
process.exit(failed.length ? 1 : 0);
