/**
 * Names shared by the search definitions and the Lambdas: the index prefix, the daily index names
 * the forwarder writes and the pattern that the template, the ISM policy and Dashboards match.
 */
import { z } from "zod";

/**
 * Index names must be lowercase and must not start with `_`, `-` or `+`; a prefix of plain
 * lowercase letters, digits, `_` and `-` keeps `<prefix>-YYYY.MM.DD` valid and the `<prefix>-*`
 * pattern free of wildcard surprises. 100 characters leave room below the 255-byte name limit.
 */
export const INDEX_PREFIX_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export const indexPrefixSchema = z.string().regex(INDEX_PREFIX_PATTERN, {
  error: "is not a valid index prefix (1-100 of a-z 0-9 _ -, starting with a letter or digit)",
});

export function assertIndexPrefix(prefix: string): string {
  if (!INDEX_PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `'${prefix}' is not a valid index prefix (1-100 of a-z 0-9 _ -, starting with a-z or 0-9)`,
    );
  }
  return prefix;
}

/** The pattern every daily index of a prefix matches. */
export function indexPattern(prefix: string): string {
  return `${assertIndexPrefix(prefix)}-*`;
}

/** 0000-01-01 .. 9999-12-31 (UTC): outside it an ISO date has a sign or six digits. */
const MIN_TIMESTAMP_MS = -62_167_219_200_000;
const MAX_TIMESTAMP_MS = 253_402_300_799_999;

export function isIndexableTimestamp(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

/**
 * `<prefix>-YYYY.MM.DD` for the UTC day of `isoTimestamp` (an ISO string from Date#toISOString,
 * whose first ten characters are the day). Taking the ISO string lets the forwarder format each
 * event's time once for both `@timestamp` and the index name.
 */
export function dailyIndexFromIso(prefix: string, isoTimestamp: string): string {
  return `${prefix}-${isoTimestamp.slice(0, 4)}.${isoTimestamp.slice(5, 7)}.${isoTimestamp.slice(8, 10)}`;
}

export function dailyIndexName(prefix: string, timestampMs: number): string {
  if (!isIndexableTimestamp(timestampMs)) {
    throw new RangeError(`timestamp ${timestampMs} is outside years 0000-9999`);
  }
  return dailyIndexFromIso(assertIndexPrefix(prefix), new Date(timestampMs).toISOString());
}

/**
 * The domain endpoint as `https://<host>`: accepts the bare host that `aws.opensearch.Domain`
 * outputs as well as an https URL. Plain HTTP is refused (the domain enforces HTTPS).
 */
export function normalizeEndpoint(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`'${endpoint}' is not a domain endpoint`);
  }
  if (url.protocol !== "https:") {
    throw new Error(`'${endpoint}' must use https`);
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.username !== "") {
    throw new Error(`'${endpoint}' must be a bare endpoint (no path, query or credentials)`);
  }
  return `https://${url.host}`;
}
