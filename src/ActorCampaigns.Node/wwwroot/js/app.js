import { ApiError, setKey } from './api.js';
import { h } from './ui.js';
import { listPage } from './pages/list.js';
import { campaignPage } from './pages/campaign.js';
import { editorPage } from './pages/editor.js';
import { reportPage } from './pages/report.js';
import { nodePage } from './pages/node.js';
import { historyPage } from './pages/history.js';

// The console's pages by hash route; each page returns how to stop what it started (a live feed).
const routes = [
  [/^#?\/?$/, () => listPage],
  [/^#\/new$/, () => editorPage],
  [/^#\/campaigns\/([\w.-]+)$/, () => campaignPage],
  [/^#\/campaigns\/([\w.-]+)\/edit$/, () => editorPage],
  [/^#\/campaigns\/([\w.-]+)\/report$/, () => reportPage],
  [/^#\/campaigns\/([\w.-]+)\/history$/, () => historyPage],
  [/^#\/node$/, () => nodePage],
];

const main = document.getElementById('main');
let leave = null;

async function show() {
  leave?.();
  leave = null;
  const hash = location.hash || '#/';
  const route = routes.find(([pattern]) => pattern.test(hash));
  main.replaceChildren();
  if (!route) {
    main.append(h('h1', { text: 'Not found' }), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Back to the campaigns')));
    return;
  }
  const [, id] = hash.match(route[0]);
  try {
    leave = await route[1]()(main, id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) keyForm();
    else main.append(h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

// The node asks for an API key: one form, then the page again.
function keyForm() {
  main.replaceChildren(h('h1', { text: 'API key' }), h('form', {
    class: 'key', onsubmit: e => { e.preventDefault(); setKey(e.target.elements.key.value.trim()); show(); },
  }, h('label', { for: 'key' }, 'This node asks for an API key'), h('input', { id: 'key', name: 'key', type: 'password', required: true, autocomplete: 'off' }),
  h('button', { type: 'submit' }, 'Continue')));
  main.querySelector('input').focus();
}

window.addEventListener('hashchange', show);
show();
