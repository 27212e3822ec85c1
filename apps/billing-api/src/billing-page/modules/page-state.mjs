// What the page knows: whose token, which workspace, and the newest balance on screen. The
// panels render what they are given; only this module decides which balance is current.
export const state = { token: null, workspace: null, balance: null };

/**
 * Takes `balance` unless it is older (by position) than the one shown: a late answer to a
 * refresh must not undo a newer balance from the stream. Stream balances carry no forecast, so
 * the last one read is kept. Returns whether the balance was taken.
 */
export function acceptBalance(balance) {
  const shown = state.balance;
  if (shown && BigInt(balance.position) < BigInt(shown.position)) return false;
  const forecast = balance.forecast || (shown && shown.forecast);
  state.balance = forecast ? { ...balance, forecast } : { ...balance };
  return true;
}
