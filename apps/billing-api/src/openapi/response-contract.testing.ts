import Ajv, { ValidateFunction } from 'ajv';

// Holds answers to the OpenAPI document: a status the operation does not declare, a content
// type it does not name, or a JSON body its schema refuses is a broken contract. Every answer
// checked is recorded, so a spec can say which operations and statuses it covered.

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Json }> }> };

export class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();
  readonly covered = new Set<string>();

  constructor(private readonly document: Json) {}

  /** Every operation as `METHOD /path`. */
  operations(): string[] {
    const paths = this.document.paths as Record<string, Record<string, unknown>>;
    return Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /** Statuses covered per operation (`METHOD /path` → statuses). */
  coverage(): Map<string, number[]> {
    const byOperation = new Map<string, number[]>();
    for (const entry of this.covered) {
      const [method, path, status] = entry.split(' ');
      const key = `${method} ${path}`;
      byOperation.set(key, [...(byOperation.get(key) ?? []), Number(status)].sort());
    }
    return byOperation;
  }

  /** Throws when the answer is not one the document declares for the operation. */
  check(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const operation = this.operation(method, path);
    const declared = operation.responses[String(status)];
    if (declared === undefined)
      throw new Error(`${method} ${path} answered ${status}, which the document does not declare`);
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    const media = declared.content?.[mediaType];
    if (media === undefined)
      throw new Error(`${method} ${path} ${status} answered ${mediaType}, not declared`);
    this.covered.add(`${method.toUpperCase()} ${path} ${status}`);
    if (mediaType !== 'application/json' || media.schema === undefined) return;
    const validate = this.validator(`${method} ${path} ${status}`, media.schema);
    if (!validate(body))
      throw new Error(
        `${method} ${path} ${status}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
      );
  }

  private operation(method: string, path: string): Operation {
    const paths = this.document.paths as Record<string, Record<string, Operation>>;
    const operation = paths[path]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`the document has no ${method} ${path}`);
    return operation;
  }

  // The schema is compiled with the document's components beside it, so its `#/components/…`
  // references resolve as they do in the document.
  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile({ ...schema, components: this.document.components });
      this.validators.set(key, validate);
    }
    return validate;
  }
}
