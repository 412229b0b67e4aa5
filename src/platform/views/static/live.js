// Live updates for a page that asks for them (src/platform/realtime/README.md). Progressive
// enhancement only: without this script the page still works and is brought up to date by reloading.
//
//   <div data-live-events="/crisis/board/events" data-live-last-id="123"
//        data-live-regions="crisis-board-summary crisis-board-rows">
//
// The script listens to the server-sent events at `data-live-events`, resuming after the id the page
// was rendered at, and on each event (or a `reset`) fetches the page again and swaps in the regions
// named (elements with those ids), keeping the keyboard focus where it was. `data-live-refresh="<url>"`
// fetches that address instead of the page (a lighter render holding the same regions). `data-live-every="60"`
// also refreshes them that often (times left go down by themselves). If the stream fails for good
// (signed out, the server refusing), it says so in words and keeps trying, with backoff, to come back.

// An event starts a refresh after a quiet moment (a burst of changes makes one), plus a random spread,
// so a hundred boards do not all ask for the page in the same millisecond.
const QUIET_MS = 250;
const SPREAD_MS = 750;

export function startLive(root) {
  const source = root.getAttribute('data-live-events');
  const regions = (root.getAttribute('data-live-regions') || '').split(/\s+/).filter(Boolean);
  const every = Number(root.getAttribute('data-live-every') || '0') * 1000;
  const refreshUrl = root.getAttribute('data-live-refresh') || window.location.href;
  let lastId = root.getAttribute('data-live-last-id') || '';
  let stream = null;
  let paused = false;
  let pending = null;
  let fetching = false;
  let again = false;
  let retryMs = 2000;
  let retryTimer = null;

  // What the script adds is only there when it runs: the page without it says nothing about "live".
  const bar = document.createElement('div');
  bar.className = 'app-live nhsuk-u-margin-bottom-3';
  const status = document.createElement('p');
  status.className = 'nhsuk-body-s nhsuk-u-margin-bottom-1';
  status.setAttribute('role', 'status');
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0';
  toggle.textContent = 'Pause live updates';
  bar.append(status, toggle);
  root.prepend(bar);

  const say = (text) => {
    status.textContent = text;
  };
  const time = () => new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  toggle.addEventListener('click', () => {
    paused = !paused;
    toggle.textContent = paused ? 'Resume live updates' : 'Pause live updates';
    if (paused) {
      say('Live updates are paused. Resume them, or refresh the page, to see the latest.');
    } else {
      say('Live updates resumed.');
      schedule();
    }
  });

  // A refresh already waiting will show this change too (it fetches after it): one is enough, and a
  // steady stream of events cannot keep postponing it.
  function schedule(delay = QUIET_MS + Math.random() * SPREAD_MS) {
    if (paused || pending) return;
    pending = setTimeout(refresh, delay);
  }

  async function refresh() {
    pending = null;
    if (paused) return;
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch(refreshUrl, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.status >= 500) {
        say(`Could not update at ${time()}: the server is busy or restarting. Trying again shortly.`);
        schedule(5000);
        return;
      }
      // Redirected elsewhere (the sign-in page) or refused: not the page's data any more.
      if (!response.ok || new URL(response.url, window.location.href).pathname !== new URL(refreshUrl, window.location.href).pathname) {
        stopped('Live updates have stopped: you may have been signed out. Refresh the page to see the latest.');
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      swap(page);
      say(`Live: updated at ${time()}.`);
    } catch {
      say(`Could not update at ${time()}. Trying again shortly.`);
      schedule(5000);
    } finally {
      fetching = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function swap(page) {
    const active = document.activeElement;
    let focusKey = null;
    for (const id of regions) {
      const current = document.getElementById(id);
      const fresh = page.getElementById(id);
      if (!current || !fresh) continue;
      if (active && current.contains(active)) focusKey = keyOf(active);
      current.replaceWith(document.importNode(fresh, true));
    }
    if (focusKey) {
      const target = [...document.querySelectorAll('a[href], button, input, select, textarea')].find((el) => keyOf(el) === focusKey);
      target?.focus();
    }
  }

  function keyOf(el) {
    return el.id ? `#${el.id}` : el.getAttribute('href') ? `href:${el.getAttribute('href')}` : null;
  }

  function stopped(text) {
    say(text);
    stream?.close();
    stream = null;
    // Come back by itself once the server answers again (a restart, a deploy, a network drop).
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryMs = Math.min(retryMs * 2, 60000);
      connect();
    }, retryMs);
  }

  function connect() {
    const url = new URL(source, window.location.href);
    if (lastId) url.searchParams.set('lastEventId', lastId);
    stream = new EventSource(url);
    stream.addEventListener('open', () => {
      retryMs = 2000;
      say(`Live: this page updates by itself. Connected at ${time()}.`);
    });
    const onEvent = (event) => {
      if (event.lastEventId) lastId = event.lastEventId;
      schedule();
    };
    stream.addEventListener('message', onEvent);
    stream.addEventListener('reset', onEvent);
    stream.addEventListener('error', () => {
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (a refusal, a page instead of a stream).
      if (stream && stream.readyState === EventSource.CLOSED) {
        stopped('Live updates have stopped. Refresh the page to see the latest; they will restart when the server answers.');
      } else {
        say(`Reconnecting (since ${time()}). What changes meanwhile will arrive when it is back.`);
      }
    });
  }

  if (typeof EventSource !== 'function') return;
  connect();
  if (every > 0) setInterval(schedule, every);
}

for (const root of document.querySelectorAll('[data-live-events]')) startLive(root);
