/**
 * `npm run plan` against a base commit that the test controls: a throwaway git repository whose
 * one commit holds `dist/` as a synth of the frozen stacks (test/fixtures/stacks.ts) writes it.
 * The CLI runs in process (lib/cli.ts `runCli`, what scripts/app.mjs runs) with that repository
 * as its working directory, so neither this repository's history nor its (edited, uncommitted)
 * environments change what a plan test sees.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnvironment } from '../../charts/environment';
import { summarizeEnvironment } from '../../charts/summary';
import type { EnvironmentDefinition } from '../../environments/types';
import { EXAMPLES } from '../../examples';
import { runCli } from '../../lib/cli';
import { STACKS, writeStacks } from '../fixtures/stacks';
import { captureConsole } from './cli-run';

/** A git identity and no user configuration, for commits in throwaway repositories. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export interface PlanRepo {
  readonly dir: string;
  /** Runs the CLI (`--plan …`) in the repository on `environments`; what it printed, and its exit code. */
  run(
    args: readonly string[],
    environments: readonly EnvironmentDefinition[],
    allowsTempoDowngrade?: (env: EnvironmentDefinition) => boolean,
  ): { code: number; out: string; err: string };
  remove(): void;
}

/** A repository whose commit on `main` (HEAD) holds `dist/<env>/` of each stack, as rendered. */
export function planRepo(stacks: readonly EnvironmentDefinition[] = STACKS): PlanRepo {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-plan-repo-'));
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  writeStacks(join(dir, 'dist'), stacks);
  git('add', '.');
  git('commit', '-qm', 'dist/ of the frozen stacks');
  return {
    dir,
    run(args, environments, allowsTempoDowngrade) {
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const { result, stdout, stderr } = captureConsole(() =>
          runCli(args, 'dist', {
            environments,
            examples: EXAMPLES,
            build: buildEnvironment,
            summarize: summarizeEnvironment,
            ...(allowsTempoDowngrade ? { allowsTempoDowngrade } : {}),
          }),
        );
        return { code: result, out: stdout.join('\n'), err: stderr.join('\n') };
      } finally {
        process.chdir(cwd);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
