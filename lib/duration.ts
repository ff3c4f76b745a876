import { ConfigError, show } from './errors';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A length of time, written the way Go's `time.ParseDuration` (and so Tempo and the Collector)
 * reads it: `30s`, `15m`, `1h30m`, `168h`. Tempo has no `d` unit, so neither does this type.
 */
export class GoDuration {
  /** Parses a Go duration string; `property` names the prop in the error message. */
  public static parse(text: string, property: string): GoDuration {
    if (typeof text !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) {
      throw new ConfigError(
        property,
        `${show(text)} is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')`,
      );
    }
    let ms = 0;
    for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
      ms += Number(part[1]) * UNIT_MS[part[2]];
    }
    return new GoDuration(ms);
  }

  public static seconds(n: number): GoDuration {
    return new GoDuration(n * 1000);
  }
  public static minutes(n: number): GoDuration {
    return new GoDuration(n * 60_000);
  }
  public static hours(n: number): GoDuration {
    return new GoDuration(n * 3_600_000);
  }
  public static days(n: number): GoDuration {
    return new GoDuration(n * 86_400_000);
  }

  private constructor(public readonly milliseconds: number) {}

  /** Canonical Go form, shortest first: `24h`, `1h30m`, `30s`, `500ms`. */
  public toString(): string {
    let rest = Math.round(this.milliseconds);
    if (rest === 0) return '0s';
    const parts: string[] = [];
    for (const [unit, size] of [
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
    ] as const) {
      const n = Math.floor(rest / size);
      if (n > 0) parts.push(`${n}${unit}`);
      rest -= n * size;
    }
    if (rest > 0) parts.push(`${rest}ms`);
    return parts.join('');
  }

  public compare(other: GoDuration): number {
    return this.milliseconds - other.milliseconds;
  }
}

/** What a duration prop accepts: a typed `GoDuration` or its string form (`'24h'`). */
export type DurationInput = GoDuration | string;

export function toDuration(input: DurationInput, property: string): GoDuration {
  return input instanceof GoDuration ? checkGoDuration(input, property) : GoDuration.parse(input, property);
}

/**
 * Refuses a `GoDuration` built from NaN, ±Infinity or a negative number (`GoDuration.hours(NaN)`
 * would render as an empty string).
 */
export function checkGoDuration(duration: GoDuration, property: string): GoDuration {
  const ms = duration.milliseconds;
  if (!Number.isFinite(ms) || ms < 0)
    throw new ConfigError(
      property,
      `a GoDuration of ${show(ms)} ms is not a duration; build it from a finite number of at least 0 (e.g. GoDuration.hours(24))`,
    );
  return duration;
}
