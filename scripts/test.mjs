// `npm test`: the type check and the lint run beside jest instead of before it (jest leaves part
// of two cores idle while its end-to-end and promtool suites wait on child processes), and every
// one of the three must pass. Their output is printed after jest's; arguments go to jest
// (`npm test -- test/tempo.test.ts`).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, resolve as resolvePath } from 'node:path';

// package.json's scripts, run the way npm runs them (a shell with node_modules/.bin on PATH)
// without npm's own start-up (~0.3 CPU-seconds each).
const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
const env = { ...process.env, PATH: `${resolvePath('node_modules/.bin')}${delimiter}${process.env.PATH}` };
const script = (name) =>
  process.platform === 'win32' ? ['cmd', ['/c', scripts[name]]] : ['sh', ['-c', scripts[name]]];

function run(cmd, args, { capture }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const checks = [
  ['typecheck', run(...script('typecheck'), { capture: true })],
  ['lint', run(...script('lint'), { capture: true })],
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
