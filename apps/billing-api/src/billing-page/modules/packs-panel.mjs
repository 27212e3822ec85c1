/* global document, crypto */
// "Buy credits": one button per pack size the API sells. The sizes come from the server
// (GET /billing/pack-sizes.json), so the page never offers a pack the API would refuse.
import { buyPack, readPackSizes } from './api-client.mjs';
import { creditsText } from './credits-format.mjs';
import { byId } from './dom.mjs';

// Each click is a new purchase: a fresh payment reference, the purchase's idempotency key.
function paymentRef() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function setStatus(stateName, text) {
  const status = byId('buy-status');
  status.dataset.state = stateName;
  status.textContent = text;
}

function setButtonsDisabled(disabled) {
  for (const button of document.querySelectorAll('#packs button')) button.disabled = disabled;
}

async function buy(pack) {
  const amount = creditsText(pack.creditsMicro);
  setButtonsDisabled(true);
  setStatus('pending', 'Buying ' + amount + '…');
  try {
    await buyPack(pack.credits, paymentRef());
    setStatus('done', 'Added ' + amount + '. Total Available updates in a moment.');
  } catch (error) {
    setStatus(
      'error',
      error.status === 403
        ? 'This token may not buy credits.'
        : 'The purchase failed: ' + error.message,
    );
  } finally {
    setButtonsDisabled(false);
  }
}

function packButton(pack) {
  // Exact to the µcr (6 places): a pack is never shown rounded.
  const [size, unit] = creditsText(pack.creditsMicro, 6).split(' ');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button pack';
  button.dataset.credits = pack.credits;
  button.dataset.creditsMicro = pack.creditsMicro;
  const sizeText = document.createElement('span');
  sizeText.className = 'pack-size';
  sizeText.textContent = size;
  const unitText = document.createElement('span');
  unitText.className = 'pack-unit';
  unitText.textContent = unit;
  button.append(sizeText, unitText);
  button.setAttribute('aria-label', 'Buy ' + size + ' ' + unit);
  button.addEventListener('click', () => buy(pack));
  return button;
}

/** Reads the pack sizes and shows a button for each; without them, says so and shows none. */
export async function loadPacks() {
  try {
    const { packSizes } = await readPackSizes();
    byId('packs').replaceChildren(...packSizes.map(packButton));
  } catch (error) {
    setStatus(
      'error',
      'The pack sizes could not be loaded (' + error.message + '). Reload the page to try again.',
    );
  }
}
