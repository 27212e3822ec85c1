/* global EventSource */
// The balance stream: each `balance` event updates the credit lines at once and schedules a
// re-read of the rest; the indicator in the header says whether the page is live.
import { balanceStreamUrl } from './api-client.mjs';
import { byId } from './dom.mjs';
import { scheduleRefresh, showBalance } from './refresh.mjs';

function setLive(stateName, text) {
  byId('live-indicator').dataset.state = stateName;
  byId('live-text').textContent = text;
}

export function connectStream() {
  const stream = new EventSource(balanceStreamUrl());
  stream.addEventListener('open', () => setLive('on', 'Live'));
  stream.addEventListener('balance', (event) => {
    setLive('on', 'Live');
    showBalance(JSON.parse(event.data));
    scheduleRefresh();
  });
  // EventSource reconnects by itself unless the server refused the stream outright.
  stream.addEventListener('error', () => {
    if (stream.readyState === EventSource.CLOSED) setLive('off', 'Offline');
    else setLive('wait', 'Reconnecting…');
  });
}
