/* global window */
// "Open a workspace": shown instead of the billing panels when the link lacks a workspace or a token.
import { byId } from './dom.mjs';
import { state } from './page-state.mjs';
import { isWorkspaceId, rememberToken } from './session.mjs';

export function showPicker() {
  const workspaceInput = byId('pick-workspace-id');
  byId('pick-workspace').hidden = false;
  byId('pick-token-row').hidden = Boolean(state.token);
  byId('pick-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const workspace = workspaceInput.value.trim();
    const token = byId('pick-token').value.trim();
    if (!isWorkspaceId(workspace)) {
      workspaceInput.setCustomValidity('1–128 characters of letters, digits and . _ : -');
      workspaceInput.reportValidity();
      return;
    }
    if (token) rememberToken(token);
    window.location.search = '?workspace=' + encodeURIComponent(workspace);
  });
  workspaceInput.addEventListener('input', () => workspaceInput.setCustomValidity(''));
}
