import { JSON_DEPTH_MAX } from './limits';

/** Why a JSON value was refused before any field was looked at. */
export interface JsonShapeIssue {
  path: string;
  message: string;
}

// Keys that would reach an object's prototype once a library copies the value; JSON.parse
// makes them own properties, and class-transformer would silently drop them.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Without the `u` flag the pattern sees UTF-16 code units, so it can find a lone half. NUL is
// matched on purpose: it is the one control character PostgreSQL's jsonb cannot hold.
const UNSTORABLE_TEXT =
  // eslint-disable-next-line no-control-regex
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text PostgreSQL and every JSON consumer can store: no NUL (jsonb refuses it) and no unpaired
 * UTF-16 surrogate (it has no UTF-8 form).
 */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE_TEXT.test(value);
}

/**
 * Checks a parsed JSON value (a message or a request body) before any validator walks it:
 * nesting at most JSON_DEPTH_MAX deep, no prototype keys, every key and string storable.
 * Returns the first issue, or null. Never recurses deeper than the limit.
 */
export function jsonShapeIssue(value: unknown, depthMax = JSON_DEPTH_MAX): JsonShapeIssue | null {
  return issueAt(value, '', 0, depthMax);
}

function issueAt(
  value: unknown,
  path: string,
  depth: number,
  depthMax: number,
): JsonShapeIssue | null {
  if (typeof value === 'string') {
    return isStorableText(value)
      ? null
      : {
          path: pathOrRoot(path),
          message: `${pathOrRoot(path)} contains a NUL character or an unpaired surrogate`,
        };
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= depthMax)
    return { path: pathOrRoot(path), message: `nested deeper than ${depthMax} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const issue = issueAt(value[index], `${path}[${index}]`, depth + 1, depthMax);
      if (issue !== null) return issue;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key))
      return { path: keyPath, message: `property ${key} is not allowed` };
    if (!isStorableText(key))
      return {
        path: pathOrRoot(path),
        message: 'a property name contains a NUL character or an unpaired surrogate',
      };
    const issue = issueAt((value as Record<string, unknown>)[key], keyPath, depth + 1, depthMax);
    if (issue !== null) return issue;
  }
  return null;
}

function pathOrRoot(path: string): string {
  return path === '' ? 'value' : path;
}
