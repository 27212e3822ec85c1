/* global window, sessionStorage, URLSearchParams */
// The token and the workspace the page was opened with.
import { state } from './page-state.mjs';

const TOKEN_KEY = 'tally.billing.token';
const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function isWorkspaceId(text) {
  return WORKSPACE_ID_PATTERN.test(text);
}

export function rememberToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Reads `?token=` and `?workspace=` into the state; the token moves to sessionStorage. */
export function readSession() {
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token');
  if (token) {
    rememberToken(token);
    params.delete('token');
    const query = params.toString();
    // The token must not stay in the address bar, history or a copied link.
    window.history.replaceState(
      null,
      '',
      window.location.pathname + (query ? '?' + query : '') + window.location.hash,
    );
  }
  state.token = sessionStorage.getItem(TOKEN_KEY);
  const workspace = params.get('workspace');
  state.workspace = workspace && isWorkspaceId(workspace) ? workspace : null;
}
