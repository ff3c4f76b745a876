// Environment files import the definition type from here; it lives with the charts that consume it.
export { defineEnvironment } from '../charts/environment-definition';
export type { EnvironmentDefinition } from '../charts/environment-definition';
