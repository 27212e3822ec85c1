/* global document */
// The few DOM helpers every panel shares. Text goes in through textContent only, never as HTML.
import { creditsText } from './credits-format.mjs';

export function byId(id) {
  return document.getElementById(id);
}

/** Writes an amount into every `[data-field=…]` slot, keeping the exact µcr in `data-micro`. */
export function setAmount(field, microText) {
  for (const element of document.querySelectorAll('[data-field="' + field + '"]')) {
    element.textContent = creditsText(microText);
    element.dataset.micro = microText;
  }
}

export function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

/** Replaces a table body with one full-width row saying why it is empty. */
export function emptyRow(body, columns, text) {
  body.textContent = '';
  const row = document.createElement('tr');
  cell(row, text, 'muted').colSpan = columns;
  body.appendChild(row);
}
