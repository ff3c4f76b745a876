// `npm test`: the type check and the lint run beside jest instead of before it (jest leaves part
// of two cores idle while its end-to-end and promtool suites wait on child processes), and every
// one of the three must pass. Their output is printed after jest's; arguments go to jest
// (`npm test -- test/tempo.test.ts`).
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args, { capture }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const checks = [
  ['typecheck', run(npm, ['run', '--silent', 'typecheck'], { capture: true })],
  ['lint', run(npm, ['run', '--silent', 'lint'], { capture: true })],
];
const jest = await run(process.execPath, ['node_modules/jest/bin/jest.js', ...process.argv.slice(2)], {
  capture: false,
});
let failed = jest.code !== 0;
for (const [name, pending] of checks) {
  const { code, output } = await pending;
  if (code !== 0) {
    failed = true;
    process.stderr.write(`\n${name} failed:\n${output}`);
  } else if (output.trim() && name === 'typecheck') process.stdout.write(output);
}
process.exit(failed ? 1 : 0);
