import { parsePriceBookDocument, PRICE_BOOK_ENTRIES_MAX } from './price-book.document';

const valid = {
  version: '2027-01',
  effectiveAt: '2027-01-01T01:00:00+01:00',
  stepDefaultMicro: '100',
  kinds: { 'record.create': '100', 'http.request': '1000' },
  codeRun: { baseMicro: '100', perMsMicro: '0.1' },
  emailSend: { perRecipientMicro: '300' },
  models: {
    'claude-sonnet-4': {
      input: '3',
      output: '15',
      cachedInput: '0.3',
      cacheWriteInput: '3.75',
      longContext: { aboveInputTokens: 200000, input: '6', output: '22.5', cachedInput: '0.6' },
    },
  },
  fallback: { input: '15', output: '75', cachedInput: '1.5' },
};

function errorsOf(document: unknown): Record<string, string> {
  const parsed = parsePriceBookDocument(document);
  if (parsed.ok) return {};
  return Object.fromEntries(parsed.errors.map((error) => [error.field, error.message]));
}

describe('parsePriceBookDocument', () => {
  it('accepts the design example and puts effectiveAt in canonical form', () => {
    const parsed = parsePriceBookDocument(valid);
    expect(parsed).toEqual({
      ok: true,
      document: { ...valid, effectiveAt: '2027-01-01T00:00:00.000Z' },
    });
  });

  it('names every bad field at once', () => {
    const errors = errorsOf({
      ...valid,
      version: 'has spaces',
      effectiveAt: '2027-13-01T00:00:00Z',
      stepDefaultMicro: 100,
      kinds: { 'Record.Create': '1', 'ai.generate': '5', 'web.search': '-1' },
      codeRun: { baseMicro: '100', perMsMicro: '0.0000001' },
      emailSend: {},
      models: { 'gpt-x': { input: '1', output: '1e3', cachedInput: '0', extra: '1' } },
      fallback: { input: '1', output: '1', cachedInput: '1', longContext: {} },
    });
    expect(Object.keys(errors).sort()).toEqual(
      [
        'version',
        'effectiveAt',
        'stepDefaultMicro',
        'kinds.Record.Create',
        'kinds.ai.generate',
        'kinds.web.search',
        'codeRun.perMsMicro',
        'emailSend.perRecipientMicro',
        'models.gpt-x.output',
        'models.gpt-x.extra',
        'fallback.longContext',
      ].sort(),
    );
    expect(errors['stepDefaultMicro']).toMatch(/decimal string/);
    expect(errors['kinds.ai.generate']).toMatch(/own rule \(models\)/);
    expect(errors['emailSend.perRecipientMicro']).toBe('is required');
    expect(errors['models.gpt-x.extra']).toBe('is not a field of a price book');
  });

  it('refuses a long-context threshold that is not a positive integer', () => {
    const model = valid.models['claude-sonnet-4'];
    for (const aboveInputTokens of [0, 1.5, '200000', 1e12]) {
      const errors = errorsOf({
        ...valid,
        models: { m: { ...model, longContext: { ...model.longContext, aboveInputTokens } } },
      });
      expect(Object.keys(errors)).toEqual(['models.m.longContext.aboveInputTokens']);
    }
  });

  it('refuses what is not a document, and prototype keys', () => {
    expect(parsePriceBookDocument([]).ok).toBe(false);
    expect(parsePriceBookDocument(null).ok).toBe(false);
    expect(parsePriceBookDocument(JSON.parse('{"__proto__": {"x": 1}}')).ok).toBe(false);
  });

  it('bounds the number of kinds', () => {
    const kinds = Object.fromEntries(
      Array.from({ length: PRICE_BOOK_ENTRIES_MAX + 1 }, (_, index) => [`k${index}`, '1']),
    );
    expect(errorsOf({ ...valid, kinds })).toEqual({
      kinds: `holds at most ${PRICE_BOOK_ENTRIES_MAX} kinds`,
    });
  });

  it('refuses model names with spaces, control or bidirectional characters', () => {
    const rates = { input: '1', output: '1', cachedInput: '1' };
    for (const name of ['esc\u001b[31mRED', 'new\nline', 'rtl\u202eevil', 'two words', ''])
      expect(Object.keys(errorsOf({ ...valid, models: { [name]: rates } }))).toEqual([
        `models.${name}`,
      ]);
    expect(errorsOf({ ...valid, models: { 'models/gemini-1.5-pro@001': rates } })).toEqual({});
  });
});
