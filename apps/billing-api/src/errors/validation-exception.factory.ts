import { ValidationError } from 'class-validator';
import { ApiErrorCode } from './api-error-code';
import { ApiException } from './api.exception';

interface Issue {
  path: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix: string): Issue[] {
  return errors.flatMap((error) => {
    const path = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
    return [
      ...(messages.length > 0 ? [{ path, messages }] : []),
      ...flatten(error.children ?? [], path),
    ];
  });
}

/** ValidationPipe's errors as the API's 400 body: details lists each field and what is wrong with it. */
export function validationException(errors: ValidationError[]): ApiException {
  const issues = flatten(errors, '');
  const summary = issues
    .slice(0, 3)
    .flatMap((issue) => issue.messages)
    .join('; ');
  return new ApiException(
    ApiErrorCode.ValidationFailed,
    summary === '' ? 'invalid request' : summary,
    issues,
  );
}
