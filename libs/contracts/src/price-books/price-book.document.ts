import { parseCreditsToMicro } from '../credits-amount';
import { canonicalInstant, isInstant } from '../instants';
import { jsonShapeIssue } from '../json-shape';
import { ACTION_KIND_LENGTH_MAX, IDENTIFIER_LENGTH_MAX, TOKENS_MAX } from '../limits';
import { ACTION_KIND_PATTERN } from '../messages/action-executed.message';

// The price book as operators publish it (docs/pricing.md, design section 7): every rate a
// decimal string in µcr per unit, so a model's rates read as USD per million tokens.

/** A model's rates, µcr per token; without `cacheWriteInput`, cache writes cost `input`. */
export interface TokenRatesDocument {
  input: string;
  output: string;
  cachedInput: string;
  cacheWriteInput?: string;
}

/** Rates that replace a model's own for an action with more than `aboveInputTokens` of input. */
export interface LongContextDocument extends TokenRatesDocument {
  aboveInputTokens: number;
}

export interface ModelRatesDocument extends TokenRatesDocument {
  longContext?: LongContextDocument;
}

export interface PriceBookDocument {
  version: string;
  /** Canonical instant: the book prices every action whose `occurredAt` is at or after it. */
  effectiveAt: string;
  stepDefaultMicro: string;
  kinds: Record<string, string>;
  codeRun: { baseMicro: string; perMsMicro: string };
  emailSend: { perRecipientMicro: string };
  models: Record<string, ModelRatesDocument>;
  fallback: ModelRatesDocument;
}

export interface PriceBookFieldError {
  /** A dotted path into the document (`models.gpt-4o.input`); `` for the document itself. */
  field: string;
  message: string;
}

export type PriceBookParse =
  { ok: true; document: PriceBookDocument } | { ok: false; errors: PriceBookFieldError[] };

/** Most entries in `kinds` and in `models`. */
export const PRICE_BOOK_ENTRIES_MAX = 1_000;
export const PRICE_BOOK_VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Model names as providers spell them ("gpt-4o-2024-08-06", "models/gemini-1.5-pro"): printable
// ASCII without spaces, so no control or bidirectional character reaches a terminal or a page.
const MODEL_NAME_PATTERN = /^[!-~]+$/;
const RATE_RULE = 'a decimal string from 0 to 999999999.999999 with at most 6 decimals';
/** Kinds priced by a rule of their own: a flat price for them would never apply. */
const RULE_KINDS: ReadonlyMap<string, string> = new Map([
  ['code.run', 'codeRun'],
  ['email.send', 'emailSend'],
  ['ai.generate', 'models'],
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects every bad field of one document, so an operator fixes them all at once. */
class FieldCheck {
  readonly errors: PriceBookFieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  object(value: unknown, field: string, known: readonly string[] | null): value is Json {
    if (!isObject(value)) {
      this.fail(field, 'must be an object');
      return false;
    }
    if (known === null) return true;
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(join(field, key), 'is not a field of a price book');
    }
    for (const key of known) {
      if (!(key in value) && !OPTIONAL_FIELDS.has(key)) this.fail(join(field, key), 'is required');
    }
    return true;
  }

  /** An absent rate is reported by its object's field list (required or optional). */
  rate(value: unknown, field: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || parseCreditsToMicro(value) === null)
      this.fail(field, `must be ${RATE_RULE}`);
  }

  entries(value: unknown, field: string, what: string): value is Json {
    if (!this.object(value, field, null)) return false;
    if (Object.keys(value).length > PRICE_BOOK_ENTRIES_MAX)
      this.fail(field, `holds at most ${PRICE_BOOK_ENTRIES_MAX} ${what}`);
    return true;
  }
}

const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['cacheWriteInput', 'longContext']);
/** The fields of a book, every one required (the OpenAPI schema lists these). */
export const PRICE_BOOK_FIELDS = [
  'version',
  'effectiveAt',
  'stepDefaultMicro',
  'kinds',
  'codeRun',
  'emailSend',
  'models',
  'fallback',
] as const;
const TOKEN_RATE_FIELDS = ['input', 'output', 'cachedInput', 'cacheWriteInput'] as const;

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function checkTokenRates(check: FieldCheck, value: Json, field: string): void {
  check.rate(value.input, join(field, 'input'));
  check.rate(value.output, join(field, 'output'));
  check.rate(value.cachedInput, join(field, 'cachedInput'));
  check.rate(value.cacheWriteInput, join(field, 'cacheWriteInput'));
}

function checkModel(check: FieldCheck, value: unknown, field: string, longContext: boolean): void {
  const fields = longContext ? [...TOKEN_RATE_FIELDS, 'longContext'] : TOKEN_RATE_FIELDS;
  if (!check.object(value, field, fields)) return;
  checkTokenRates(check, value, field);
  if (!longContext || value.longContext === undefined) return;
  const above = join(field, 'longContext');
  if (!check.object(value.longContext, above, [...TOKEN_RATE_FIELDS, 'aboveInputTokens'])) return;
  checkTokenRates(check, value.longContext, above);
  const threshold = value.longContext.aboveInputTokens;
  if (threshold === undefined) return;
  if (
    !Number.isSafeInteger(threshold) ||
    (threshold as number) < 1 ||
    (threshold as number) > 3 * TOKENS_MAX
  )
    check.fail(join(above, 'aboveInputTokens'), `must be an integer from 1 to ${3 * TOKENS_MAX}`);
}

function checkKinds(check: FieldCheck, kinds: unknown): void {
  if (!check.entries(kinds, 'kinds', 'kinds')) return;
  for (const [kind, price] of Object.entries(kinds)) {
    const field = join('kinds', kind);
    if (kind.length > ACTION_KIND_LENGTH_MAX || !ACTION_KIND_PATTERN.test(kind))
      check.fail(field, 'must be named like an action kind (a dotted lower-case name)');
    else if (RULE_KINDS.has(kind))
      check.fail(field, `is priced by its own rule (${RULE_KINDS.get(kind)})`);
    check.rate(price, field);
  }
}

function checkModels(check: FieldCheck, models: unknown): void {
  if (!check.entries(models, 'models', 'models')) return;
  for (const [model, rates] of Object.entries(models)) {
    const field = join('models', model);
    if (model.length > IDENTIFIER_LENGTH_MAX || !MODEL_NAME_PATTERN.test(model))
      check.fail(
        field,
        `a model name is 1 to ${IDENTIFIER_LENGTH_MAX} printable ASCII characters without spaces`,
      );
    checkModel(check, rates, field, true);
  }
}

function checkHeader(check: FieldCheck, book: Json): void {
  if (
    book.version !== undefined &&
    (typeof book.version !== 'string' || !PRICE_BOOK_VERSION_PATTERN.test(book.version))
  )
    check.fail(
      'version',
      'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  if (book.effectiveAt !== undefined && !isInstant(book.effectiveAt))
    check.fail('effectiveAt', 'must be an ISO 8601 instant with a time zone, from 2000 to 2099');
  check.rate(book.stepDefaultMicro, 'stepDefaultMicro');
  if (check.object(book.codeRun, 'codeRun', ['baseMicro', 'perMsMicro'])) {
    check.rate(book.codeRun.baseMicro, 'codeRun.baseMicro');
    check.rate(book.codeRun.perMsMicro, 'codeRun.perMsMicro');
  }
  if (check.object(book.emailSend, 'emailSend', ['perRecipientMicro']))
    check.rate(book.emailSend.perRecipientMicro, 'emailSend.perRecipientMicro');
}

/**
 * Validates a published price book, field by field. The document comes back as given, with
 * `effectiveAt` in canonical form; nothing else is converted (exact decimals stay strings).
 */
export function parsePriceBookDocument(value: unknown): PriceBookParse {
  const shape = jsonShapeIssue(value);
  if (shape !== null) return { ok: false, errors: [{ field: shape.path, message: shape.message }] };
  const check = new FieldCheck();
  if (!check.object(value, '', PRICE_BOOK_FIELDS)) return { ok: false, errors: check.errors };
  checkHeader(check, value);
  checkKinds(check, value.kinds);
  checkModels(check, value.models);
  checkModel(check, value.fallback, 'fallback', false);
  if (check.errors.length > 0) return { ok: false, errors: check.errors };
  const document = value as unknown as PriceBookDocument;
  return {
    ok: true,
    document: { ...document, effectiveAt: canonicalInstant(document.effectiveAt) },
  };
}
