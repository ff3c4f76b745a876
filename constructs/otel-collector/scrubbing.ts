/**
 * Sensitive-data scrubbing, with the processors that really change values in contrib 0.161.0:
 * the `attributes` processor deletes and hashes whole attributes (its `pattern` only matches
 * attribute *names*), and the `transform` processor rewrites parts of values with OTTL
 * `replace_pattern` (processor/transformprocessor README, pkg/ottl/ottlfuncs).
 */
import { ConfigError, show } from '../../lib/errors';
import { checkAttributeName } from '../../lib/validate';
import type { AttributeMap, AttributeName } from '../../lib/input-types';

export interface RedactionRule {
  /** What the rule removes, for reviewers (`email`, `card-number`). */
  readonly name: string;
  /** Span attributes whose values are rewritten. */
  readonly attributes: readonly AttributeName[];
  /** RE2 regular expression (no lookaround, no backreferences); checked at synth time. */
  readonly pattern: string;
  /** Replacement text. @default '[REDACTED]' */
  readonly replacement?: string;
}

export interface ScrubbingProps {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Span attributes deleted outright.
   * @default - the Authorization and Cookie request headers (semconv `http.request.header.*`)
   */
  readonly deleteAttributes?: readonly AttributeName[];
  /**
   * Span attributes replaced by their SHA-256 (still groupable, no longer readable).
   * @default ['db.statement', 'db.query.text']
   */
  readonly hashAttributes?: readonly AttributeName[];
  /**
   * Span attributes whose whole value is replaced by a fixed text where present (`attributes`
   * action `update` with `value`), e.g. `{ 'user.email': 'REDACTED' }`.
   * @default - none
   */
  readonly replaceAttributes?: AttributeMap;
  /**
   * Value patterns replaced inside attributes.
   * @default - e-mail addresses in `user.email` and URLs, card numbers in URLs
   */
  readonly redactions?: RedactionRule[];
}

const URL_ATTRIBUTES = ['url.full', 'url.path', 'url.query', 'http.url', 'http.target'];

export const DEFAULT_SCRUBBING: Required<Omit<ScrubbingProps, 'enabled' | 'replaceAttributes'>> = {
  deleteAttributes: ['http.request.header.authorization', 'http.request.header.cookie'],
  hashAttributes: ['db.statement', 'db.query.text'],
  redactions: [
    {
      name: 'email',
      attributes: ['user.email', ...URL_ATTRIBUTES],
      pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}',
      replacement: '[REDACTED_EMAIL]',
    },
    // 16-digit cards in groups of four (Visa, Mastercard, Discover) and 15-digit Amex.
    {
      name: 'card-number',
      attributes: URL_ATTRIBUTES,
      pattern: '[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}|3[47][0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{5}',
      replacement: '[REDACTED_CARD]',
    },
  ],
};

/** Constructs RE2 has no support for; JS would accept them, the collector would refuse to start. */
const NOT_RE2 = /\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</;

function checkPattern(pattern: string, property: string): void {
  try {
    new RegExp(pattern);
  } catch (e) {
    throw new ConfigError(
      property,
      `${show(pattern)} is not a valid regular expression (${(e as Error).message}); fix the pattern (RE2 syntax)`,
    );
  }
  if (NOT_RE2.test(pattern)) {
    throw new ConfigError(
      property,
      `${show(pattern)} uses lookaround or backreferences, which the collector's RE2 engine does not support; rewrite the pattern without them`,
    );
  }
}

/** An OTTL string literal: backslashes and quotes escaped. */
function ottlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface ScrubbingProcessors {
  /** `attributes/scrub` block, or undefined when nothing is deleted or hashed. */
  readonly attributes?: Record<string, unknown>;
  /** `transform/scrub` block, or undefined when no pattern is redacted. */
  readonly transform?: Record<string, unknown>;
}

/** Validates the rules and builds the processor blocks. */
export function scrubbingProcessors(props: ScrubbingProps | undefined): ScrubbingProcessors {
  if (props?.enabled === false) return {};
  const p = 'collector.scrubbing';
  const deletes = props?.deleteAttributes ?? DEFAULT_SCRUBBING.deleteAttributes;
  const hashes = props?.hashAttributes ?? DEFAULT_SCRUBBING.hashAttributes;
  const redactions = props?.redactions ?? DEFAULT_SCRUBBING.redactions;
  deletes.forEach((a, i) => checkAttributeName(a, `${p}.deleteAttributes[${i}]`));
  hashes.forEach((a, i) => checkAttributeName(a, `${p}.hashAttributes[${i}]`));
  const statements: string[] = [];
  redactions.forEach((r, i) => {
    const at = `${p}.redactions[${i}]`;
    checkPattern(r.pattern, `${at}.pattern`);
    if (!r.attributes?.length)
      throw new ConfigError(
        `${at}.attributes`,
        'is empty; name the attributes whose values the pattern is applied to',
      );
    r.attributes.forEach((a, j) => checkAttributeName(a, `${at}.attributes[${j}]`));
    for (const attribute of r.attributes) {
      statements.push(
        `replace_pattern(attributes[${ottlString(attribute)}], ${ottlString(r.pattern)}, ${ottlString(r.replacement ?? '[REDACTED]')})`,
      );
    }
  });
  const replaces = Object.entries(props?.replaceAttributes ?? {});
  replaces.forEach(([key, value]) => {
    checkAttributeName(key, `${p}.replaceAttributes`);
    if (typeof value !== 'string')
      throw new ConfigError(
        `${p}.replaceAttributes.${key}`,
        `${show(value)} is not a string; give the replacement text, e.g. 'REDACTED'`,
      );
  });
  const actions = [
    ...deletes.map((key) => ({ key, action: 'delete' })),
    ...hashes.map((key) => ({ key, action: 'hash' })),
    // `update` changes existing attributes only, with exactly one value source (attraction.go:203-212).
    ...replaces.map(([key, value]) => ({ key, action: 'update', value })),
  ];
  return {
    attributes: actions.length ? { actions } : undefined,
    // error_mode ignore: a statement that fails on one span (e.g. a non-string value) is logged
    // and skipped instead of dropping the whole batch.
    transform: statements.length
      ? { error_mode: 'ignore', trace_statements: [{ context: 'span', statements }] }
      : undefined,
  };
}
