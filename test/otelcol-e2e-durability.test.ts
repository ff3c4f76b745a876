// A gateway killed mid-stream and restarted on the same storage directory loses no span it
// acknowledged (test/helpers/otelcol-durability.ts says what runs and what is replaced).
import { describeDurability } from './helpers/otelcol-durability';

describeDurability();
