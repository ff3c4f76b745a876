import { parse } from 'yaml';

/**
 * The GitHub Actions rules every workflow of this repository (and of a team that copies it) must
 * keep, beyond what actionlint checks: the known traps of hand-written pull-request workflows.
 * Returns one message per violation, `<file>: <what is wrong>; <the fix>`.
 */
export function workflowViolations(file: string, text: string): string[] {
  const wf = parse(text) ?? {};
  const out: string[] = [];
  const on = wf.on ?? wf[true as any]; // YAML 1.1 readers turn `on` into true; ours does not, but be safe
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  const jobs: [string, any][] = Object.entries(wf.jobs ?? {});

  // Workflow-level permissions: present, and read-only.
  const top = wf.permissions;
  if (top === undefined)
    out.push(
      `${file}: no workflow-level permissions (the default token may be able to write); add \`permissions: contents: read\``,
    );
  else
    for (const scope of writeScopes(top))
      out.push(
        `${file}: workflow-level permissions grant ${scope}; keep \`contents: read\` at the top and grant writes to the one job that needs them`,
      );

  for (const [id, job] of jobs) {
    const steps: any[] = job?.steps ?? [];
    for (const [i, step] of steps.entries()) {
      const uses = step?.uses;
      if (
        typeof uses === 'string' &&
        !uses.startsWith('./') &&
        !uses.startsWith('docker://') &&
        !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses)
      ) {
        out.push(
          `${file}: jobs.${id}.steps[${i}] uses ${uses}, not pinned to a commit; pin the full 40-character commit SHA with the version in a comment`,
        );
      }
    }
    // A job that holds a write token must not run the repository's (the pull request's) code.
    const writes = job?.permissions === undefined ? [] : writeScopes(job.permissions);
    if (writes.length > 0 && steps.some((s) => isCheckout(s) || s?.run !== undefined)) {
      out.push(
        `${file}: jobs.${id} has ${writes.join(', ')} and checks out or runs code; keep the write token in a job that only reads artifacts`,
      );
    }
    if (triggers.includes('pull_request_target')) {
      for (const [i, step] of steps.entries()) {
        if (checksOutPullRequestHead(step)) {
          out.push(
            `${file}: jobs.${id}.steps[${i}] checks out the pull request's head in a pull_request_target workflow (its token and secrets can write); build on \`pull_request\` and comment from a workflow_run job`,
          );
        }
      }
    }
  }
  return out;
}

function writeScopes(permissions: unknown): string[] {
  if (permissions === 'write-all') return ['write-all'];
  if (typeof permissions === 'string') return permissions === 'read-all' ? [] : [String(permissions)];
  if (permissions === null || typeof permissions !== 'object') return [];
  return Object.entries(permissions as Record<string, unknown>)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => `${scope}: write`);
}

function isCheckout(step: any): boolean {
  return typeof step?.uses === 'string' && /^actions\/checkout@/.test(step.uses);
}

const PR_HEAD = /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|refs\/pull\/|pull\/\$\{\{/;

function checksOutPullRequestHead(step: any): boolean {
  if (isCheckout(step))
    return (
      PR_HEAD.test(String(step.with?.ref ?? '')) ||
      /pull_request\.head\.repo/.test(String(step.with?.repository ?? ''))
    );
  return (
    typeof step?.run === 'string' &&
    /\bgit\b|\bgh\s+pr\s+checkout\b/.test(step.run) &&
    (PR_HEAD.test(step.run) || /gh\s+pr\s+checkout/.test(step.run))
  );
}
