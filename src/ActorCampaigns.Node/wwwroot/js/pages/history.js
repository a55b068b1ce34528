import { api } from '../api.js';
import { drawCanvas } from '../canvas.js';
import { h, when } from '../ui.js';

// A campaign's versions and what changed between two of them: the later one's canvas with the activities added or
// changed marked (a word on each, not a colour alone), and each change written out.
export async function historyPage(main, id) {
  const versions = await api(`/api/campaigns/${id}/versions`);
  const last = versions[versions.length - 1].version;
  const choice = (name, value) => h('select', { id: `history-${name}`, name },
    versions.map(v => h('option', { value: v.version, selected: v.version === value ? '' : null, text: `${v.version} (${when(v.at)})` })));
  const from = choice('from', Math.max(1, last - 1)), to = choice('to', last);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('aria-label', 'The later version\'s canvas, its changed activities marked');
  const changes = h('div', { id: 'history-changes', 'aria-live': 'polite' });
  main.append(
    h('div', { class: 'title' }, h('h1', {}, `History: ${versions[versions.length - 1].name}`),
      h('a', { class: 'button secondary', href: `#/campaigns/${id}` }, 'Back to the canvas')),
    h('table', { class: 'versions' },
      h('thead', {}, h('tr', {}, ['Version', 'When', 'Who', 'Name', 'Activities'].map(t => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, versions.map(v => h('tr', { 'data-version': v.version },
        h('td', { class: 'number', text: v.version }), h('td', { text: when(v.at) }), h('td', { text: v.actor ?? '' }),
        h('td', { text: v.name }), h('td', { class: 'number', text: v.activities }))))),
    h('form', { class: 'filters', onsubmit: e => { e.preventDefault(); show(); } },
      h('label', { for: 'history-from' }, 'From version'), from, h('label', { for: 'history-to' }, 'to version'), to,
      h('button', { type: 'submit', id: 'history-show' }, 'Show the changes')),
    h('ul', { class: 'legend' }, h('li', { class: 'diff-added' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), 'added'),
      h('li', { class: 'diff-changed' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), 'changed')),
    h('div', { class: 'canvas-wrap history' }, svg),
    changes);

  async function show() {
    const [document, diff] = await Promise.all([
      api(`/api/campaigns/${id}/versions/${to.value}`),
      api(`/api/campaigns/${id}/diff?from=${from.value}&to=${to.value}`)]);
    const { boxes } = drawCanvas(svg, document);
    const mark = (activity, kind) => {
      const box = boxes[activity];
      if (!box) return;
      box.group.classList.add(`diff-${kind}`);
      box.badge.textContent = kind;
      box.group.setAttribute('aria-label', `${box.group.getAttribute('aria-label')}, ${kind} since version ${from.value}`);
    };
    diff.activitiesAdded.forEach(a => mark(a, 'added'));
    diff.activitiesChanged.forEach(a => mark(a.id, 'changed'));
    const json = value => value === undefined || value === null ? '(none)' : JSON.stringify(value);
    const field = f => h('li', {}, h('code', { text: f.field }), `: ${json(f.before)} → ${json(f.after)}`);
    const items = [
      ...diff.document.map(f => h('li', { 'data-change': 'document' }, 'Campaign ', h('code', { text: f.field }), `: ${json(f.before)} → ${json(f.after)}`)),
      ...diff.activitiesAdded.map(a => h('li', { 'data-change': 'added' }, `Activity ${a} added`)),
      ...diff.activitiesRemoved.map(a => h('li', { 'data-change': 'removed' }, `Activity ${a} removed`)),
      ...diff.activitiesChanged.map(a => h('li', { 'data-change': 'changed', 'data-activity': a.id }, `Activity ${a.id} (${a.type}) changed:`, h('ul', {}, a.fields.map(field)))),
      ...diff.transitionsAdded.map(t => h('li', { 'data-change': 'transition-added' }, `Transition ${t.from}.${t.port} → ${t.to} added`)),
      ...diff.transitionsRemoved.map(t => h('li', { 'data-change': 'transition-removed' }, `Transition ${t.from}.${t.port} → ${t.to} removed`)),
    ];
    changes.replaceChildren(h('h2', { text: `From version ${diff.from.version} (${diff.from.actor ?? 'unknown'}) to ${diff.to.version} (${diff.to.actor ?? 'unknown'}, ${when(diff.to.at)})` }),
      items.length ? h('ul', { class: 'changes' }, items) : h('p', { class: 'muted', text: 'No difference.' }));
  }

  await show();
}
