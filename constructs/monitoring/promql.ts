/**
 * PromQL checked at synth time with the Prometheus project's own grammar
 * (`@prometheus-io/lezer-promql`): a syntax error fails the synth, and the metric names an
 * expression reads can be compared with what the scraped targets expose.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { ConfigError, show } from '../../lib/errors';

/**
 * Syntax shapes (string literals emptied) of expressions that parsed: lezer's StringLiteral token
 * accepts any content and the grammar never looks inside it, so an expression that differs from a
 * valid one only in its double-quoted strings (the namespace, job or slo label of another
 * environment) is valid too. Only expressions without comments, single quotes or backticks get
 * a shape, so every `"` delimits a double-quoted string exactly as lezer tokenizes it. Cuts the
 * parses of a full synth from ~290 to ~100. Errors are never cached.
 */
const VALID_SHAPES = new Set<string>();
const DOUBLE_QUOTED = /"(?:[^"\\\n]|\\[\s\S])*"/g;

function syntaxShape(expr: string): string | undefined {
  return /[#'`]/.test(expr) ? undefined : expr.replace(DOUBLE_QUOTED, '""');
}

/** Throws a ConfigError naming `property` and the position when `expr` does not parse. */
export function checkPromQL(expr: string, property: string): string {
  const shape = syntaxShape(expr);
  if (shape !== undefined && VALID_SHAPES.has(shape)) return expr;
  const tree = parser.parse(expr);
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (errorAt === undefined && node.type.isError) errorAt = node.from;
    },
  });
  if (errorAt !== undefined) {
    const context = expr.slice(Math.max(0, errorAt - 20), errorAt + 20).replace(/\s+/g, ' ');
    throw new ConfigError(
      property,
      `PromQL syntax error at character ${errorAt} (near ${show(context)}) in ${show(expr.replace(/\s+/g, ' ').trim())}`,
    );
  }
  if (shape !== undefined) VALID_SHAPES.add(shape);
  return expr;
}

/** Metric names read by an expression (the identifiers of its vector selectors). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.add(expr.slice(id.from, id.to));
      }
    },
  });
  return [...names].sort();
}

/** A label selector `{a="b", c=~"d"}` from matchers; values are escaped for PromQL strings. */
export function selector(matchers: Record<string, string>, regex: Record<string, string> = {}): string {
  const q = (v: string) => JSON.stringify(v);
  const parts = [
    ...Object.entries(matchers).map(([k, v]) => `${k}=${q(v)}`),
    ...Object.entries(regex).map(([k, v]) => `${k}=~${q(v)}`),
  ];
  return `{${parts.join(', ')}}`;
}
