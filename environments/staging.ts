import { Size } from 'cdk8s';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { defineEnvironment } from './types';

/** Pre-production: production-like retention on a larger local PVC. */
export const staging = defineEnvironment({
  name: 'staging',
  tempo: {
    storage: TempoStorage.local({ size: Size.gibibytes(50) }),
    retention: '168h',
  },
});
