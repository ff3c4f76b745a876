import { Size } from 'cdk8s';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { defineEnvironment } from './types';

/** Production: 7 days of traces, more headroom for ingestion. */
export const prod = defineEnvironment({
  name: 'prod',
  tempo: {
    storage: TempoStorage.local({ size: Size.gibibytes(100) }),
    retention: '168h',
    resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
    limits: { ingestionRateLimitBytes: 30_000_000, ingestionBurstSizeBytes: 40_000_000 },
  },
});
