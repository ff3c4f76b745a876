import { Size } from 'cdk8s';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { defineEnvironment } from './types';

/** Developer cluster: one small Tempo on a local PVC, one day of traces. */
export const dev = defineEnvironment({
  name: 'dev',
  tempo: {
    replicas: 1,
    storage: TempoStorage.local({ size: Size.gibibytes(10) }),
    retention: '24h',
    logLevel: 'debug',
    resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
  },
});
