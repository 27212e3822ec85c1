import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Public } from '../auth/route-access';

// The page is three static files with no build step. `tsc` copies only .ts, so when the API runs
// from dist/ the files are read from the source folder beside it.
const PAGE_FILES = ['billing.html', 'billing.js', 'billing.css'] as const;
type PageFile = (typeof PAGE_FILES)[number];

function pageFolder(): string {
  const sourceFolder = resolve(__dirname, '..', '..', '..', '..', '..', 'apps', 'billing-api', 'src', 'billing-page');
  for (const folder of [__dirname, sourceFolder]) {
    try {
      readFileSync(join(folder, 'billing.html'));
      return folder;
    } catch {
      // not here; try the next candidate
    }
  }
  throw new Error(`assertion failed: billing page files not found beside ${__dirname} or in ${sourceFolder}`);
}

function loadPage(): Record<PageFile, string> {
  const folder = pageFolder();
  const files = {} as Record<PageFile, string>;
  for (const name of PAGE_FILES) files[name] = readFileSync(join(folder, name), 'utf8');
  return files;
}

// Same-origin scripts and styles only; the API it calls is on the same origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Settings → Billing: a static page that reads the billing API with the caller's token. */
@ApiExcludeController()
@Public()
@Controller('billing')
export class BillingPageController {
  private readonly files = loadPage();

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('referrer-policy', 'no-referrer')
  @Header('cache-control', 'no-store')
  page(): string {
    return this.files['billing.html'];
  }

  @Get('billing.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): string {
    return this.files['billing.js'];
  }

  @Get('billing.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  styles(): string {
    return this.files['billing.css'];
  }
}
