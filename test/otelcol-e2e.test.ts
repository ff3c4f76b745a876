// The synthesized agents and gateways as real collectors on loopback, plaintext
// (test/helpers/otelcol-e2e.ts says what runs and what is replaced).
import { describeEndToEnd } from './helpers/otelcol-e2e';

describeEndToEnd('plaintext', false, 1);
