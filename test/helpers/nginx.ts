/**
 * The nginx that runs the synthesized gateway configs in the tests (Debian's `nginx-light`, which
 * .ci/run installs and requires through REQUIRE_NGINX), and openssl beside it for certificates and
 * htpasswd hashes.
 */
import { spawnSync } from 'node:child_process';
import { hasOpenssl } from './loopback';
import { optionalTool } from './optional-tool';

/** The nginx binary, if one is installed. */
export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find(
  (p) => spawnSync(p, ['-v'], { encoding: 'utf8' }).status === 0,
);

/** Whether nginx and openssl are here; otherwise says which tests are skipped (or fails in CI). */
export function haveNginxAndOpenssl(): boolean {
  return optionalTool(
    NGINX !== undefined && hasOpenssl,
    'REQUIRE_NGINX',
    'nginx (and openssl)',
    "apt-get install nginx-light (Debian's nginx), as .ci/run does",
  );
}
