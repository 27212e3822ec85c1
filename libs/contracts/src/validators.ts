import { ValidateBy, ValidationOptions } from 'class-validator';
import { parseCreditsToMicro, parseMicro } from './credits-amount';

// An instant with a date, a time and an explicit zone. Date-only strings are refused because
// "2026-02-01" means a different instant in every time zone.
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT_PATTERN.test(value) && Number.isFinite(Date.parse(value));
}

/** Canonical UTC form, so instants compare as strings and round-trip through storage. */
export function canonicalInstant(value: string): string {
  return new Date(Date.parse(value)).toISOString();
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 8601 date-time with a zone`,
      },
    },
    options,
  );
}

export function IsCreditsAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCreditsAmount',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const micro = parseCreditsToMicro(value);
          return micro !== null && micro > 0n;
        },
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a positive decimal string of credits with at most 6 decimals`,
      },
    },
    options,
  );
}

export function IsMicroAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMicroAmount',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseMicro(value) !== null,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a non-negative integer string of µcr`,
      },
    },
    options,
  );
}
