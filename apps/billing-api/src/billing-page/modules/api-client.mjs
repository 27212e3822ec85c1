/* global fetch */
// Every request the page makes. Workspace routes and the price book carry the token from the
// session; the pack sizes are public, served beside the page (GET /billing/pack-sizes.json).
import { state } from './page-state.mjs';

function workspacePath(suffix) {
  return '/v1/workspaces/' + encodeURIComponent(state.workspace) + suffix;
}

/** JSON in and out; a non-2xx answer throws an Error carrying `status` and the API's message. */
async function request(path, { method = 'GET', body, withToken = true } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (withToken) headers.authorization = 'Bearer ' + state.token;
  const response = await fetch(path, { method, headers, body });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(answer && answer.message ? answer.message : 'HTTP ' + response.status);
    error.status = response.status;
    throw error;
  }
  return answer;
}

export function readBalance() {
  return request(workspacePath('/credits'));
}

/** Usage per UTC day and action kind over [fromDay, toDay), both `YYYY-MM-DD`. */
export function readDailyUsage(fromDay, toDay) {
  return request(workspacePath('/credits/usage?bucket=day&from=' + fromDay + '&to=' + toDay));
}

export function readRollover() {
  return request(workspacePath('/credits/rollover'));
}

export function readStatement(limit) {
  return request(workspacePath('/credits/ledger?limit=' + limit));
}

export function buyPack(credits, paymentRef) {
  return request(workspacePath('/credit-packs'), {
    method: 'POST',
    body: JSON.stringify({ credits, paymentRef }),
  });
}

/** `{ packSizes: [{ credits, creditsMicro }] }`: the packs the API sells, no token needed. */
export function readPackSizes() {
  return request('/billing/pack-sizes.json', { withToken: false });
}

/** `{ current, versions }`: the price book in force now and every published version. */
export function readPriceBook() {
  return request('/v1/price-book');
}

/** EventSource cannot send headers: the stream route alone accepts the token as ?access_token=. */
export function balanceStreamUrl() {
  return workspacePath('/credits/stream') + '?access_token=' + encodeURIComponent(state.token);
}

/** A sentence a person can act on, for a failed read. */
export function explainReadError(error) {
  if (error.status === 401)
    return 'Your access token is missing or has expired. Open the billing link again.';
  if (error.status === 403) return 'This token cannot read this workspace.';
  return 'Could not load billing data: ' + error.message;
}
