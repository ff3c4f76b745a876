/**
 * Pure config model for Tempo 2.8.2: typed, validated settings in, a plain object out. No
 * construct code here, so it is unit-tested without a synth.
 *
 * Every key emitted below exists in Tempo 2.8.2, which parses its config with
 * `yaml.UnmarshalStrict` (one unknown key and it will not start). Sources, tag v2.8.2:
 * `cmd/tempo/app/config.go` (top level), `modules/distributor/config.go`,
 * `modules/ingester/config.go`, `modules/compactor/config.go` + `tempodb/compactor.go`
 * (`compaction`), `modules/storage/config.go` + `tempodb/backend/local`, `tempodb/wal`,
 * `modules/overrides/config.go` (the `overrides: defaults:` format, not the legacy flat one that
 * makes `-config.verify` fail), `cmd/tempo/app/usage_report` (`usage_report`).
 */
import { stringify } from 'yaml';
import { GoDuration } from '../../lib/duration';
import { TEMPO_DATA_DIR } from './tempo-storage';
import { TempoPort } from './receivers';

export type TempoLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type TempoLogFormat = 'logfmt' | 'json';

/** Fully resolved, validated Tempo settings (see `resolveTempoSettings`). */
export interface TempoConfigSettings {
  readonly ports: readonly TempoPort[];
  readonly logLevel: TempoLogLevel;
  readonly logFormat: TempoLogFormat;
  readonly multitenancyEnabled: boolean;
  readonly usageReportingEnabled: boolean;
  readonly streamOverHttpEnabled: boolean;
  readonly ingester: {
    readonly traceIdlePeriod: GoDuration;
    readonly maxBlockDuration: GoDuration;
    readonly maxBlockBytes: number;
  };
  readonly compaction: {
    readonly blockRetention: GoDuration;
    readonly compactedBlockRetention: GoDuration;
  };
  readonly limits: {
    readonly ingestionRateLimitBytes: number;
    readonly ingestionBurstSizeBytes: number;
    readonly maxTracesPerUser: number;
    readonly maxBytesPerTrace: number;
  };
}

/** Paths inside the container; the PVC is mounted at `TEMPO_DATA_DIR`. */
export const TEMPO_PATHS = {
  configDir: '/conf',
  configFile: 'tempo.yaml',
  traces: `${TEMPO_DATA_DIR}/traces`,
  wal: `${TEMPO_DATA_DIR}/wal`,
} as const;

/** Builds `distributor.receivers`: every enabled receiver on `0.0.0.0:<port>`. */
function receiversConfig(ports: readonly TempoPort[]): Record<string, unknown> {
  const receivers: Record<string, any> = {};
  for (const p of ports) {
    if (!p.receiver) continue;
    // Since Tempo 2.7 the OTLP receivers default to localhost:4317/4318 and receive nothing from
    // other pods: every endpoint is written out with 0.0.0.0 (Tempo 2.7 release notes).
    let node = receivers;
    for (const key of p.receiver.configPath) node = node[key] ??= {};
    node.endpoint = `0.0.0.0:${p.port}`;
  }
  return receivers;
}

/** The `tempo.yaml` document as a plain object, keys in Tempo's documentation order. */
export function buildTempoConfig(s: TempoConfigSettings): Record<string, unknown> {
  const port = (name: string) => s.ports.find((p) => p.name === name)!.port;
  return {
    target: 'all',
    multitenancy_enabled: s.multitenancyEnabled,
    // Lets Grafana stream search results over HTTP instead of gRPC.
    stream_over_http_enabled: s.streamOverHttpEnabled,
    // Defaults to true: Tempo would report usage to stats.grafana.org.
    usage_report: { reporting_enabled: s.usageReportingEnabled },
    server: {
      http_listen_port: port('http'),
      grpc_listen_port: port('grpc'),
      log_level: s.logLevel,
      log_format: s.logFormat,
    },
    distributor: { receivers: receiversConfig(s.ports) },
    ingester: {
      trace_idle_period: s.ingester.traceIdlePeriod.toString(),
      max_block_bytes: s.ingester.maxBlockBytes,
      max_block_duration: s.ingester.maxBlockDuration.toString(),
    },
    compactor: {
      compaction: {
        block_retention: s.compaction.blockRetention.toString(),
        compacted_block_retention: s.compaction.compactedBlockRetention.toString(),
      },
    },
    storage: {
      trace: {
        backend: 'local',
        local: { path: TEMPO_PATHS.traces },
        wal: { path: TEMPO_PATHS.wal },
      },
    },
    overrides: {
      defaults: {
        ingestion: {
          rate_limit_bytes: s.limits.ingestionRateLimitBytes,
          burst_size_bytes: s.limits.ingestionBurstSizeBytes,
          max_traces_per_user: s.limits.maxTracesPerUser,
        },
        global: { max_bytes_per_trace: s.limits.maxBytesPerTrace },
      },
    },
  };
}

/** Renders the config as YAML, the exact text of the ConfigMap's `tempo.yaml` key. */
export function renderTempoConfig(s: TempoConfigSettings): string {
  return stringify(buildTempoConfig(s), { lineWidth: 0 });
}
