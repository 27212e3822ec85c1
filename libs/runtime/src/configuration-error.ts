/**
 * A setting a process cannot start with. Its message names the variable, the value and the
 * choices; a start that fails with it prints that one line, not a stack trace.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}
