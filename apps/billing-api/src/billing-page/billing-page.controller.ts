import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { formatMicroAsCredits } from '@tally/contracts';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Public } from '../auth/route-access';
import { BILLING_API_CONFIG, BillingApiConfig } from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';

/**
 * The browser modules the page is made of (modules/main.mjs imports the rest). Only these are
 * served: a file is reachable when it is named here, and billing-page.controller.spec.ts checks
 * the list against the folder and the modules' imports.
 */
export const PAGE_MODULES = [
  'main.mjs',
  'page-state.mjs',
  'session.mjs',
  'api-client.mjs',
  'refresh.mjs',
  'live-updates.mjs',
  'balance-panel.mjs',
  'usage-panel.mjs',
  'packs-panel.mjs',
  'price-book-panel.mjs',
  'usage-chart.mjs',
  'statement-panel.mjs',
  'rollover-panel.mjs',
  'picker-panel.mjs',
  'credits-format.mjs',
  'date-format.mjs',
  'dom.mjs',
] as const;

/** What GET /billing/pack-sizes.json answers: the pack sizes, and nothing else of the config. */
export interface PackSizesBody {
  packSizes: { credits: string; creditsMicro: string }[];
}

// The page is static files with no build step. `tsc` copies only .ts, so when the API runs
// from dist/ the files are read from the source folder beside it.
function pageFolder(): string {
  const sourceFolder = resolve(
    __dirname,
    '..',
    '..',
    '..',
    '..',
    '..',
    'apps',
    'billing-api',
    'src',
    'billing-page',
  );
  for (const folder of [__dirname, sourceFolder]) {
    try {
      readFileSync(join(folder, 'billing.html'));
      return folder;
    } catch {
      // not here; try the next candidate
    }
  }
  throw new Error(
    `assertion failed: billing page files not found beside ${__dirname} or in ${sourceFolder}`,
  );
}

interface PageFiles {
  html: string;
  css: string;
  modules: ReadonlyMap<string, string>;
}

function loadPage(): PageFiles {
  const folder = pageFolder();
  const read = (...path: string[]): string => readFileSync(join(folder, ...path), 'utf8');
  return {
    html: read('billing.html'),
    css: read('billing.css'),
    modules: new Map(PAGE_MODULES.map((name) => [name, read('modules', name)])),
  };
}

// Same-origin scripts (the modules and nothing inline) and styles only; the API it calls is on
// the same origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Settings → Billing: a static page that reads the billing API with the caller's token. */
@ApiExcludeController()
@Public()
@Controller('billing')
export class BillingPageController {
  private readonly files = loadPage();
  private readonly packSizes: PackSizesBody;

  constructor(@Inject(BILLING_API_CONFIG) config: BillingApiConfig) {
    this.packSizes = {
      packSizes: config.packSizesMicro.map((micro) => ({
        credits: formatMicroAsCredits(micro),
        creditsMicro: micro.toString(),
      })),
    };
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('referrer-policy', 'no-referrer')
  @Header('cache-control', 'no-store')
  page(): string {
    return this.files.html;
  }

  @Get('billing.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styles(): string {
    return this.files.css;
  }

  // The headers are set once the module is found: @Header would also label the 404's JSON body
  // as JavaScript.
  @Get('modules/:name')
  module(@Param('name') name: string, @Res({ passthrough: true }) response: Response): string {
    const source = this.moduleSource(name);
    response.setHeader('content-type', 'text/javascript; charset=utf-8');
    response.setHeader('cache-control', 'no-cache');
    return source;
  }

  /** The source of a listed module; NOT_FOUND for any other name. */
  moduleSource(name: string): string {
    const source = this.files.modules.get(name);
    if (source === undefined)
      throw new ApiException(ApiErrorCode.NotFound, 'the billing page has no such module');
    return source;
  }

  // Public because the page shows these sizes to anyone who opens it; the API's own 400 for an
  // unknown size names them too. Nothing else of the configuration is sent.
  @Get('pack-sizes.json')
  @Header('cache-control', 'no-cache')
  packSizesOffered(): PackSizesBody {
    return this.packSizes;
  }
}
