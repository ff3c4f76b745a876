/**
 * The oauth2-proxy the OIDC gateway tests run: build/bin/oauth2-proxy, built at the release pinned
 * in lib/versions.ts by scripts/build-oauth2-proxy.sh (which .ci/run calls, setting
 * REQUIRE_OAUTH2_PROXY).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { VERSIONS } from '../../lib/versions';
import { optionalTool } from './optional-tool';

export const OAUTH2_PROXY = join(__dirname, '..', '..', 'build', 'bin', 'oauth2-proxy');

/** The version the binary reports (`oauth2-proxy v7.15.6 (built with go1.26.8)`), if it runs. */
function builtVersion(): string | undefined {
  const run = spawnSync(OAUTH2_PROXY, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return run.status === 0 ? run.stdout.split(' ')[1] : undefined;
}

/**
 * Whether build/bin/oauth2-proxy is the pinned release; otherwise says which tests are skipped
 * (or fails where REQUIRE_OAUTH2_PROXY is set).
 */
export function haveOauth2Proxy(): boolean {
  return optionalTool(
    builtVersion() === VERSIONS.oauth2Proxy,
    'REQUIRE_OAUTH2_PROXY',
    `oauth2-proxy ${VERSIONS.oauth2Proxy} (build/bin/oauth2-proxy)`,
    'scripts/build-oauth2-proxy.sh builds it from the Go module proxy, as .ci/run does',
  );
}
