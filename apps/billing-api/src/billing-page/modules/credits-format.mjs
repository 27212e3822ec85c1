// Amounts arrive from the API as decimal µcr strings and are only ever handled as BigInt: never
// as floats, so no total is ever off by a rounding artefact.

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** µcr decimal string → credits text, rounded half-up to `places` decimals, zeros trimmed. */
export function formatCredits(microText, places = 4) {
  const micro = BigInt(microText);
  const negative = micro < 0n;
  const magnitude = negative ? -micro : micro;
  // A non-zero amount that would round to 0 is shown exactly (6 places) rather than as "0".
  const exactPlaces = magnitude !== 0n && magnitude < 10n ** BigInt(6 - places) ? 6 : places;
  const unit = 10n ** BigInt(6 - exactPlaces);
  const scaled = (magnitude + unit / 2n) / unit;
  const scale = 10n ** BigInt(exactPlaces);
  const whole = groupThousands((scaled / scale).toString());
  const fraction = (scaled % scale).toString().padStart(exactPlaces, '0').replace(/0+$/, '');
  return (negative ? '−' : '') + whole + (fraction ? '.' + fraction : '');
}

/** The same with its unit: "1 credit", "4.7643 credits". */
export function creditsText(microText, places) {
  const text = formatCredits(microText, places);
  return text + (text === '1' ? ' credit' : ' credits');
}
