// The credit lines (Period credits, Rollover Credits, Purchased, Reserved while a hold is live,
// Total Available) and the banner for a low, exhausted or plan-less workspace.
import { creditsText } from './credits-format.mjs';
import { byId, setAmount } from './dom.mjs';

const STATUS_LABELS = { active: 'Active', low: 'Low', exhausted: 'Exhausted', no_plan: 'No plan' };

function bannerText(balance) {
  switch (balance.status) {
    case 'exhausted': {
      const overdraft =
        BigInt(balance.overdraftMicro) > 0n
          ? ' (' + creditsText(balance.overdraftMicro) + ' so far)'
          : '';
      return (
        'Credits exhausted. Workflows keep running, and their usage is recorded as overdraft' +
        overdraft +
        '. Buy credits to cover it.'
      );
    }
    case 'low':
      return (
        'Credits are running low: ' +
        creditsText(balance.totalAvailableMicro) +
        ' left, 20 % or less of this period\u2019s allocation. Buy credits to avoid running out.'
      );
    case 'no_plan':
      return 'No billing period has started for this workspace yet.';
    default:
      return '';
  }
}

function renderBanner(balance) {
  const banner = byId('banner');
  const text = bannerText(balance);
  banner.textContent = text;
  banner.dataset.status = balance.status;
  banner.hidden = !text;
}

function renderMeter(balance) {
  const allocation = BigInt(balance.allocationMicro);
  const remaining = BigInt(balance.allocationRemainingMicro);
  const percent = allocation > 0n ? Number((remaining * 1000n) / allocation) / 10 : 0;
  byId('allocation-meter').style.width = percent + '%';
}

export function renderBalancePanel(balance) {
  setAmount('allocationRemaining', balance.allocationRemainingMicro);
  setAmount('allocation', balance.allocationMicro);
  setAmount('rollover', balance.rolloverMicro);
  setAmount('purchased', balance.purchasedMicro);
  setAmount('totalAvailable', balance.totalAvailableMicro);
  const reserved = balance.reservedMicro || '0';
  setAmount('reserved', reserved);
  byId('reserved-line').hidden = BigInt(reserved) === 0n;
  renderMeter(balance);
  byId('granted-detail').textContent =
    BigInt(balance.grantedMicro) > 0n
      ? 'plus ' + creditsText(balance.grantedMicro) + ' granted'
      : 'credit packs, never expire';
  const pill = byId('status-pill');
  pill.textContent = STATUS_LABELS[balance.status] || balance.status;
  pill.dataset.status = balance.status;
  renderBanner(balance);
}
