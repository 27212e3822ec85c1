import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { parseCreditsToMicro, parseMicro } from './credits-amount';
import { isInstant } from './instants';
import { AMOUNT_MICRO_MAX } from './limits';

/**
 * The field may be left out; when present it must pass the other validators. Unlike
 * class-validator's IsOptional, `null` is not "absent": it is refused like any other bad value.
 */
export function IsOptionalField(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 date-time with a zone, from 2000 to 2099`,
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
          `${args?.property ?? 'value'} must be a positive decimal string of credits below one billion (at most 999999999.999999), with at most 6 decimals`,
      },
    },
    options,
  );
}

/** An integer µcr string above 0 (a hold: holding nothing is refused like a negative amount). */
export function IsPositiveMicroAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPositiveMicroAmount',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && (parseMicro(value) ?? 0n) > 0n,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an integer string of µcr from 1 to ${AMOUNT_MICRO_MAX} (one billion credits)`,
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
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an integer string of µcr from 0 to ${AMOUNT_MICRO_MAX} (one billion credits)`,
      },
    },
    options,
  );
}

/**
 * A string of `min` to `max` UTF-16 code units (JavaScript's `length`, what storage and memory
 * pay for). class-validator's Length leaves variation selectors out of its count, so "a" followed
 * by a million U+FE0F would pass a limit of 200.
 */
export function HasTextLength(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasTextLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length >= min && value.length <= max,
        defaultMessage: (args) => {
          const property = args?.property ?? 'value';
          if (typeof args?.value !== 'string') return `${property} must be a string`;
          return args.value.length < min
            ? `${property} must be longer than or equal to ${min} characters`
            : `${property} must be shorter than or equal to ${max} characters`;
        },
      },
    },
    options,
  );
}
