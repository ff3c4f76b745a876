// The same end-to-end run with TLS on every hop and mTLS at the gateways, from certificates the
// test generates with openssl (test/helpers/otelcol-e2e.ts).
import { describeEndToEnd } from './helpers/otelcol-e2e';

describeEndToEnd('TLS and mTLS from generated certificates', true, 2);
