import { api } from '../api.js';
import { h, number, when } from '../ui.js';

const states = ['all', 'draft', 'scheduled', 'live', 'paused', 'completed', 'stopped', 'failed'];

// Every campaign with its state, schedule, last execution and key figures; a filter by state.
export async function listPage(main) {
  const campaigns = await api('/api/campaigns');
  const filter = h('select', { id: 'state-filter' }, states.map(s => h('option', { value: s }, s)));
  const body = h('tbody');
  const render = () => {
    const shown = campaigns.filter(c => filter.value === 'all' || c.status === filter.value);
    body.replaceChildren(...shown.map(c => h('tr', {},
      h('td', {}, h('a', { href: `#/campaigns/${c.id}` }, c.name ?? c.id)),
      h('td', {}, h('span', { class: `pill state-${c.status}` }, c.status)),
      h('td', { text: c.schedule ?? '–' }),
      h('td', { text: c.lastExecution ? `${c.lastExecution.mode} ${c.lastExecution.state}, ${when(c.lastExecution.startedAt)}` : 'none yet' }),
      h('td', { class: 'number', text: number(c.lastExecution?.profiles) }),
      h('td', { class: 'number', text: number(c.lastExecution?.sent) }))));
    if (!shown.length) body.append(h('tr', {}, h('td', { colspan: 6, text: campaigns.length ? `No ${filter.value} campaign.` : 'No campaign yet: create one.' })));
  };
  filter.addEventListener('change', render);
  main.append(
    h('div', { class: 'title' }, h('h1', { text: 'Campaigns' }), h('a', { class: 'button', href: '#/new' }, 'New campaign')),
    h('div', { class: 'filters' }, h('label', { for: 'state-filter' }, 'State'), filter),
    h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
      h('caption', { class: 'visually-hidden', text: 'Campaigns' }),
      h('thead', {}, h('tr', {}, ['Campaign', 'State', 'Schedule', 'Last execution', 'Profiles', 'Sent'].map(t => h('th', { scope: 'col', text: t })))),
      body)));
  render();
}
