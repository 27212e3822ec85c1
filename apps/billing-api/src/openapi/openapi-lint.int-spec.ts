import { randomUUID } from 'node:crypto';
import { documentFile, runNodeTool, ServedApi, startServedApi } from './served-api.testing';

jest.setTimeout(120_000);

interface RedoclyReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

describe('the OpenAPI document the billing API serves', () => {
  let api: ServedApi;

  beforeAll(async () => {
    api = await startServedApi(`secret-${randomUUID()}`);
  });

  afterAll(async () => {
    await api.close();
  });

  it('passes Redocly lint (recommended rules, raised by redocly.yaml) with no error or warning', async () => {
    const file = await documentFile(api.document);
    try {
      const result = await runNodeTool('@redocly/cli/bin/cli.js', [
        'lint',
        '--config',
        'redocly.yaml',
        '--format',
        'json',
        file.path,
      ]);
      const report = JSON.parse(result.stdout) as RedoclyReport;
      const problems = report.problems.map(
        (problem) =>
          `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer ?? '?'}`,
      );
      expect(problems).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
      expect(result.code).toBe(0);
    } finally {
      await file.remove();
    }
  });

  it('declares every path parameter, a summary, an operationId and a security requirement on every operation', () => {
    const paths = api.document.paths as Record<string, Record<string, Record<string, unknown>>>;
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(16);
    for (const { path, operation } of operations) {
      const declared = ((operation.parameters ?? []) as { name: string; in: string }[])
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name)
        .sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect({ path, declared }).toEqual({ path, declared: inPath });
      expect(operation).toEqual(
        expect.objectContaining({
          summary: expect.any(String),
          operationId: expect.any(String),
          security: expect.any(Array),
        }),
      );
    }
  });

  it('says that every DTO body refuses unknown fields, as the server does', () => {
    const { components } = api.document as { components?: { schemas?: unknown } };
    const schemas = components?.schemas as Record<string, Record<string, unknown>>;
    for (const name of ['ReserveBody', 'GrantCreditsBody', 'BuyCreditPackBody', 'CheckCreditsBody'])
      expect({ name, additionalProperties: schemas[name]?.['additionalProperties'] }).toEqual({
        name,
        additionalProperties: false,
      });
    // The envelopes accept unknown fields by contract (design §2).
    expect(schemas['ActionExecuted']?.['additionalProperties']).toBeUndefined();
  });
});
