/* global window */
// Settings → Billing, the entry module: plain browser ES modules served as they are, no build
// step and no framework. docs/billing-page.md has the map of the modules.
import { formatCredits } from './credits-format.mjs';
import { byId } from './dom.mjs';
import { connectStream } from './live-updates.mjs';
import { loadPacks } from './packs-panel.mjs';
import { state } from './page-state.mjs';
import { loadPriceBook } from './price-book-panel.mjs';
import { showPicker } from './picker-panel.mjs';
import { refreshAll } from './refresh.mjs';
import { readSession } from './session.mjs';

function start() {
  readSession();
  if (!state.workspace || !state.token) return showPicker();
  byId('workspace-id').textContent = state.workspace;
  byId('workspace-line').hidden = false;
  byId('billing').hidden = false;
  loadPacks();
  loadPriceBook();
  refreshAll();
  connectStream();
}

// Exposed for debugging from the console.
window.tallyBilling = { formatCredits };
// A module script runs once the document is parsed: the elements are all there.
start();
