import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { ENVIRONMENTS } from '../environments';
import { EXAMPLES } from '../examples';
import { runCli } from '../lib/cli';

// `npm run plan`: the CLI hook around lib/plan.ts, against this repository's own history.

function run(args: string[], environments = ENVIRONMENTS): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => void out.push(String(m)));
  const error = jest.spyOn(console, 'error').mockImplementation((m) => void err.push(String(m)));
  try {
    const code = runCli(args, 'dist', {
      environments,
      examples: EXAMPLES,
      build: buildEnvironment,
      summarize: summarizeEnvironment,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

test('a retention change is one plan line against the committed dist/', () => {
  const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
  const changed = { ...dev, tempo: { ...dev.tempo, retention: '336h' } };
  const { code, out } = run(['--plan', '--base', 'HEAD', 'dev'], [changed]);
  expect(code).toBe(0);
  expect(out.split('\n')).toContain(
    '  retention  ConfigMap/tempo-config tempo.yaml: compactor.compaction.block_retention 24h → 336h',
  );
  expect(out).not.toMatch(/^(staging|prod) /m); // only the named environment
});

test('--format markdown', () => {
  const { code, out } = run(['--plan', '--base=HEAD', '--format', 'markdown', 'dev']);
  expect(code).toBe(0);
  expect(out).toMatch(/^## tracesynth plan\n\nAgainst `HEAD \([0-9a-f]{7,}\)`\.\n/);
});

test('bad options are one-line errors', () => {
  expect(run(['--plan', '--format', 'xml']).err).toBe(
    "error: plan.format: 'xml' is not a plan format; use text or markdown\nNothing was written; dist/ is unchanged.",
  );
  expect(run(['--plan', '--base']).err).toBe(
    'error: plan.base: needs a value; e.g. --base main\nNothing was written; dist/ is unchanged.',
  );
  expect(run(['--plan', '--base', 'no-such-ref']).code).toBe(1);
});
