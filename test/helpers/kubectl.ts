/**
 * The kubectl of the tests: build/bin/kubectl (the API server's release, built by
 * scripts/build-kube-apiserver.sh, as .ci/run does) when it is built, else the one on PATH.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** build/bin/kubectl, of the same release as build/bin/kube-apiserver. */
export const BUILT_KUBECTL = join(__dirname, '..', '..', 'build', 'bin', 'kubectl');

/** build/bin/kubectl when built, else `kubectl` from PATH. */
export const KUBECTL = existsSync(BUILT_KUBECTL) ? BUILT_KUBECTL : 'kubectl';
