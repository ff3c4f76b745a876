/**
 * `cdk8s synth` as safe as `npm run synth`. The cdk8s CLI (cdk8s-cli 2.207, lib/cli/cmds/synth.js)
 * deletes its output folder (cdk8s.yaml's `output`, or `--output`) before it runs the app, passes
 * the folder in CDK8S_OUTDIR, and lists the YAML files it finds there afterwards; a non-zero exit
 * of the app becomes an Error whose stack it prints (lib/util.js `shell`, lib/cli/index.js), a
 * folder the app did not create one line, `ERROR: synthesis failed, app expected to create …`,
 * and exit status 1 (lib/util.js `synthApp`).
 *
 * So cdk8s.yaml names a scratch folder, CDK8S_SCRATCH, that stands for dist/: the app writes
 * dist/ by the atomic path of `npm run synth` (a failure leaves it byte-identical), then
 * copies dist/ into the scratch folder, where the CLI lists the manifests (and runs its
 * validation plugins, if cdk8s.yaml configures any). After a failure the scratch folder is left
 * absent and the app exits 0, so the CLI reports the failure in its one line, with status 1, after
 * the app's own error lines, and without a stack trace.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

/** cdk8s.yaml's `output` (test/cdk8s-cli.test.ts runs the CLI with the real cdk8s.yaml). */
export const CDK8S_SCRATCH = 'build/cdk8s';

/** The output folder the cdk8s CLI handed the app, and whether it is the scratch folder. */
export interface Cdk8sOutput {
  readonly dir: string;
  /** cdk8s.yaml's own `output`: the app writes dist/ instead. Else `--output` or `--stdout` chose it. */
  readonly scratch: boolean;
}

/** What CDK8S_OUTDIR (set by the cdk8s CLI only) says; undefined outside the CLI. */
export function cdk8sOutput(outdir: string | undefined): Cdk8sOutput | undefined {
  if (outdir === undefined || outdir === '') return undefined;
  return { dir: outdir, scratch: resolve(outdir) === resolve(CDK8S_SCRATCH) };
}

/**
 * The app's exit status under the cdk8s CLI, once the synth into `written` (dist/ for the scratch
 * folder, else the CLI's own folder) returned `code`.
 */
export function finishUnderCdk8s(code: number, output: Cdk8sOutput, written: string): number {
  if (code === 0) {
    if (output.scratch) {
      // A copy, not links: nothing done to the scratch folder can reach dist/.
      rmSync(output.dir, { recursive: true, force: true });
      mkdirSync(output.dir, { recursive: true });
      if (existsSync(written)) cpSync(written, output.dir, { recursive: true });
    }
    return 0;
  }
  // The CLI deleted its folder before the run (or made it empty, for --stdout): an empty one
  // holds nothing, and without it the CLI fails in one line instead of a stack trace.
  try {
    if (readdirSync(output.dir).length === 0) rmdirSync(output.dir);
  } catch {
    // absent already, or not a folder
  }
  return existsSync(output.dir) ? code : 0;
}
