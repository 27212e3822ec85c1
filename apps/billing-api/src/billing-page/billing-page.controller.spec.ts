import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPICS } from '../billing-api.config';
import { ApiException } from '../errors/api.exception';
import { BillingPageController, PAGE_MODULES } from './billing-page.controller';

const config = {
  packSizesMicro: [10_000_000n, 2_500_000n, 1_000_000_000n],
  topics: DEFAULT_TOPICS,
};
const relativeImport = /^\s*import\s[^'"]*['"]\.\/([^'"]+)['"]/gm;

describe('the billing page controller', () => {
  const controller = new BillingPageController(config);

  it('serves every module in the modules folder, and only those', () => {
    const onDisk = readdirSync(join(__dirname, 'modules')).filter((name) => name.endsWith('.mjs'));
    expect([...PAGE_MODULES].sort()).toEqual(onDisk.sort());
  });

  it('serves every module a served module imports', () => {
    for (const name of PAGE_MODULES) {
      const imported = [...controller.moduleSource(name).matchAll(relativeImport)].map(
        (match) => match[1],
      );
      for (const target of imported)
        expect({
          name,
          imports: target,
          served: (PAGE_MODULES as readonly string[]).includes(target as string),
        }).toEqual({
          name,
          imports: target,
          served: true,
        });
    }
  });

  it('answers 404 for a module it does not list, however it is spelled', () => {
    for (const name of [
      'billing.js',
      'billing-page.controller.ts',
      '..%2Fbilling.html',
      '__proto__',
      'constructor',
    ])
      expect(() => controller.moduleSource(name)).toThrow(ApiException);
  });

  it('sends the pack sizes as exact credits and µcr strings, and nothing else of the configuration', () => {
    expect(controller.packSizesOffered()).toEqual({
      packSizes: [
        { credits: '10', creditsMicro: '10000000' },
        { credits: '2.5', creditsMicro: '2500000' },
        { credits: '1000', creditsMicro: '1000000000' },
      ],
    });
  });
});
