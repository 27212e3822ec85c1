import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { acceptActionExecutedFast } from './action-executed.fast-path';
import { ContractErrorCode } from './contract-error-code';
import { INBOUND_MESSAGE_TYPES, InboundMessage, InboundMessageType } from './inbound-message';
import { jsonShapeIssue } from './json-shape';
import { PAYLOAD_SIZE_MAX_BYTES, SUPPORTED_SCHEMA_VERSIONS } from './limits';
import { ActionExecutedMessage } from './messages/action-executed.message';
import {
  CreditPackPurchasedMessage,
  CreditsGrantedMessage,
  SubscriptionPeriodStartedMessage,
} from './messages/subscription.messages';
import { toInboundMessage } from './to-inbound-message';

export type ParseResult =
  | { ok: true; value: InboundMessage }
  | { ok: false; code: ContractErrorCode; message: string; details: unknown };

export interface ValidationIssue {
  path: string;
  messages: string[];
}

const MESSAGE_CLASSES = {
  ActionExecuted: ActionExecutedMessage,
  SubscriptionPeriodStarted: SubscriptionPeriodStartedMessage,
  CreditPackPurchased: CreditPackPurchasedMessage,
  CreditsGranted: CreditsGrantedMessage,
} as const;

const ISSUES_IN_MESSAGE_MAX = 3;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function failure(code: ContractErrorCode, message: string, details: unknown = null): ParseResult {
  return { ok: false, code, message, details };
}

/**
 * Parses one raw Kafka value or HTTP body. Never throws: every refusal is a result with a
 * code, a message a person can act on, and details.
 */
export function parseInboundMessage(raw: string | Uint8Array): ParseResult {
  const text = decodeWithinLimit(raw);
  if (typeof text !== 'string') return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failure(
      ContractErrorCode.MalformedJson,
      `message is not valid JSON: ${(error as Error).message}`,
    );
  }
  return validateInboundObject(parsed);
}

function decodeWithinLimit(raw: string | Uint8Array): string | ParseResult {
  const tooLarge = failure(
    ContractErrorCode.PayloadTooLarge,
    `message is larger than ${PAYLOAD_SIZE_MAX_BYTES} bytes`,
    { limitBytes: PAYLOAD_SIZE_MAX_BYTES },
  );
  if (typeof raw === 'string') {
    // A UTF-16 unit is at least one UTF-8 byte and at most three, so only the band in between
    // needs an exact count.
    if (raw.length > PAYLOAD_SIZE_MAX_BYTES) return tooLarge;
    if (
      raw.length * 3 > PAYLOAD_SIZE_MAX_BYTES &&
      new TextEncoder().encode(raw).byteLength > PAYLOAD_SIZE_MAX_BYTES
    ) {
      return tooLarge;
    }
    return raw;
  }
  if (raw.byteLength > PAYLOAD_SIZE_MAX_BYTES) return tooLarge;
  try {
    return utf8.decode(raw);
  } catch {
    return failure(ContractErrorCode.MalformedJson, 'message is not valid UTF-8');
  }
}

/**
 * Validates an already-parsed JSON value. Never throws. The shape check (depth, prototype keys,
 * storable strings) runs first, so nothing deeper walks a hostile value.
 */
export function validateInboundObject(input: unknown): ParseResult {
  const shape = shapeFailure(input);
  if (shape !== null) return shape;
  const accepted = acceptActionExecutedFast(input);
  if (accepted !== null) return { ok: true, value: accepted };
  return validateObjectSafely(input);
}

/** The shape check and the class-validator path alone (exported for the fast path's equivalence test). */
export function validateWithClasses(input: unknown): ParseResult {
  return shapeFailure(input) ?? validateObjectSafely(input);
}

function shapeFailure(input: unknown): ParseResult | null {
  const issue = jsonShapeIssue(input);
  if (issue === null) return null;
  return failure(ContractErrorCode.ValidationFailed, issue.message, [
    { path: issue.path, messages: [issue.message] },
  ]);
}

function validateObjectSafely(input: unknown): ParseResult {
  try {
    return validateObject(input);
  } catch (error) {
    // class-transformer or class-validator tripping over an exotic value is still bad input.
    return failure(
      ContractErrorCode.ValidationFailed,
      `message could not be validated: ${(error as Error).message}`,
    );
  }
}

function validateObject(input: unknown): ParseResult {
  if (!isPlainObject(input)) {
    return failure(ContractErrorCode.ValidationFailed, 'message must be a JSON object');
  }
  const type = input['type'];
  if (typeof type !== 'string') {
    return failure(ContractErrorCode.ValidationFailed, 'type must be a string', [
      { path: 'type', messages: ['type must be a string'] },
    ]);
  }
  if (!(INBOUND_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return failure(ContractErrorCode.UnknownType, `unknown message type "${type.slice(0, 100)}"`, {
      type: type.slice(0, 100),
      known: INBOUND_MESSAGE_TYPES,
    });
  }
  const schemaVersion = input['schemaVersion'];
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion)) {
    const issue = { path: 'schemaVersion', messages: ['schemaVersion must be an integer'] };
    return failure(ContractErrorCode.ValidationFailed, 'schemaVersion must be an integer', [issue]);
  }
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(schemaVersion)) {
    return failure(
      ContractErrorCode.UnsupportedSchemaVersion,
      `${type} schemaVersion ${schemaVersion} is not supported`,
      {
        schemaVersion,
        supported: SUPPORTED_SCHEMA_VERSIONS,
      },
    );
  }
  return validateAgainstClass(type as InboundMessageType, input);
}

function validateAgainstClass(
  type: InboundMessageType,
  input: Record<string, unknown>,
): ParseResult {
  const instance = plainToInstance(MESSAGE_CLASSES[type] as new () => object, input);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  const issues = flattenErrors(errors, '');
  const periodIssue = periodOrderIssue(instance);
  if (periodIssue !== null) issues.push(periodIssue);
  if (issues.length > 0) {
    const summary = issues
      .slice(0, ISSUES_IN_MESSAGE_MAX)
      .flatMap((issue) => issue.messages)
      .join('; ');
    return failure(ContractErrorCode.ValidationFailed, `invalid ${type}: ${summary}`, issues);
  }
  return { ok: true, value: toInboundMessage(instance as Parameters<typeof toInboundMessage>[0]) };
}

function periodOrderIssue(instance: object): ValidationIssue | null {
  if (!(instance instanceof SubscriptionPeriodStartedMessage)) return null;
  const start = Date.parse(instance.periodStart);
  const end = Date.parse(instance.periodEnd);
  if (Number.isFinite(start) && Number.isFinite(end) && end <= start) {
    return { path: 'periodEnd', messages: ['periodEnd must be after periodStart'] };
  }
  return null;
}

function flattenErrors(errors: ValidationError[], prefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const path = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) issues.push({ path, messages });
    issues.push(...flattenErrors(error.children ?? [], path));
  }
  return issues;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
