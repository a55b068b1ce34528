import { experimentFigures } from '../experiment.js';
import { api, follow } from '../api.js';
import { drawCanvas } from '../canvas.js';
import { loadKinds } from '../kinds.js';
import { confirmed, describeError, h, notice, number, when } from '../ui.js';
import { movedOf } from './positions.js';

// One campaign: its canvas with live counts (Server-Sent Events), an activity's parameters, logs and errors, a
// transition's population, and the lifecycle actions.
export async function campaignPage(main, id) {
  await loadKinds();
  const { document: doc, status } = await api(`/api/campaigns/${id}`);
  const feed = new AbortController();
  let current = null;
  let chosen = null; // the execution shown; the newest when none was chosen
  let selected = null;

  const heading = h('h1', {}, doc.name);
  const state = h('span', { class: 'pill' });
  const where = h('span', { class: 'muted', id: 'where' });
  const executions = h('select', { id: 'execution', onchange: () => { chosen = executions.value || null; refresh(); } });
  const panel = h('aside', { class: 'panel', 'aria-live': 'polite', 'aria-label': 'Details' },
    h('p', { class: 'muted', text: 'Select an activity for its parameters, logs and errors, or a transition for its population.' }));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('aria-label', `Canvas of ${doc.name}`);
  const canvas = drawCanvas(svg, doc, { moved: movedOf(id), onActivity: a => showActivity(a), onTransition: t => showTransition(t) });

  // A one-shot campaign (asap or once) is published in two steps: the node answers with the messages it would send
  // and a token bound to those figures, shown in the dialog; confirming sends the token back.
  const oneShot = !doc.schedule || ['asap', 'once'].includes(doc.schedule.type);
  const figures = problem => {
    const channels = Object.entries(problem.estimate ?? {}).map(([channel, n]) => `${channel} ${number(n)}`).join(', ');
    return `It sends about ${number(problem.messages)} messages (${channels || 'no channel'}), now, and cannot be undone.`
      + (problem.approvalRequired ? ` Above ${number(problem.approvalThreshold)} messages, another API key must approve it first.` : '');
  };
  const publish = async label => {
    try {
      return await api(`/api/campaigns/${id}/publish`, { method: 'POST' });
    } catch (error) {
      if (error.status !== 409 || !error.problem.confirmToken) throw error;
      if (!(await confirmed('Publish this campaign?', figures(error.problem), label))) return null;
      return api(`/api/campaigns/${id}/publish?confirm=${encodeURIComponent(error.problem.confirmToken)}`, { method: 'POST' });
    }
  };
  const action = (label, verb, confirm) => h('button', {
    type: 'button', 'data-action': verb, class: verb === 'stop' ? 'danger' : (verb === 'publish' ? '' : 'secondary'),
    onclick: async () => {
      if (confirm && !(verb === 'publish' && oneShot) && !(await confirmed(confirm[0], confirm[1], label))) return;
      try {
        const answer = verb === 'publish' ? await publish(label) : await api(`/api/campaigns/${id}/${verb}`, { method: 'POST' });
        if (answer === null) return;
        if (verb === 'duplicate') { location.hash = `#/campaigns/${answer.id}/edit`; return; }
        notice(`${label}: accepted`);
      } catch (error) { notice(`${label} refused: ${describeError(error)}`, true); }
    },
  }, label);
  const actions = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Campaign actions' },
    action('Test', 'test'),
    action('Publish', 'publish', ['Publish this campaign?', 'Publishing freezes the campaign and sends messages on its schedule. It cannot be undone.']),
    action('Pause', 'pause'),
    action('Resume', 'resume'),
    action('Stop', 'stop', ['Stop this campaign?', 'Stopping ends every execution for good. It cannot be undone.']),
    action('Duplicate', 'duplicate'),
    h('a', { class: 'button secondary', href: `#/campaigns/${id}/edit`, 'data-action': 'edit' }, 'Edit'),
    h('a', { class: 'button secondary', href: `#/campaigns/${id}/report` }, 'Report'),
    h('a', { class: 'button secondary', href: `#/campaigns/${id}/history` }, 'History'));

  main.append(
    h('div', { class: 'title' }, heading, state, where),
    actions,
    h('div', { class: 'filters' }, h('label', { for: 'execution' }, 'Execution'), executions),
    legend(),
    h('div', { class: 'workspace' }, h('div', { class: 'canvas-wrap', tabindex: -1 }, svg), panel));

  function execution() {
    const list = current?.executions ?? [];
    return list.find(e => e.id === chosen) ?? list[0] ?? null;
  }

  function refresh() {
    if (!current) return;
    state.textContent = current.status;
    state.className = `pill state-${current.status}`;
    // Where it runs: the member of the campaign, and those running its partitions, in a partitioned execution.
    const members = [...new Set(Object.values(execution()?.activities ?? {}).flatMap(a => (a.partitions ?? []).map(p => member(p.node))))].sort();
    where.textContent = (current.node ? `on ${member(current.node)}` : '') + (members.length ? `; partitions on ${members.join(', ')}` : '');
    const options = (current.executions ?? []).map(e => h('option', { value: e.id, selected: e.id === chosen }, `${e.id} (${e.mode}, ${e.state})`));
    executions.replaceChildren(h('option', { value: '' }, 'newest'), ...options);
    executions.value = chosen ?? '';
    // Each action where the lifecycle allows it: a draft is tested and published, a live campaign paused or stopped...
    for (const [verb, allowed] of Object.entries(allowedIn)) {
      const control = actions.querySelector(`[data-action=${verb}]`);
      if (control.tagName === 'A') control.hidden = !allowed.includes(current.status);
      else control.disabled = !allowed.includes(current.status);
    }
    canvas.update(execution());
    if (selected?.activity) showActivity(selected.activity, false);
  }

  async function showActivity(activity, fresh = true) {
    selected = { activity };
    canvas.select(activity.id);
    const run = execution();
    const view = run?.activities?.[activity.id];
    const { type, id: _, ...parameters } = activity;
    const body = [
      h('h2', {}, `${activity.id} `, h('span', { class: 'muted', text: type })),
      h('dl', { class: 'facts' },
        h('dt', { text: 'State' }), h('dd', { text: view?.state ?? 'pending' }),
        h('dt', { text: 'In' }), h('dd', { text: number(view?.in) }),
        ...Object.entries(view?.out ?? {}).flatMap(([port, count]) => [h('dt', { text: `Out ${port}` }), h('dd', { text: number(count) })]),
        ...Object.entries(view?.excluded ?? {}).flatMap(([reason, count]) => [h('dt', { text: `Excluded ${reason}` }), h('dd', { text: number(count) })]),
        h('dt', { text: 'Errors' }), h('dd', { text: number(view?.errors ?? 0) })),
      view?.failure ? h('p', { class: 'error', role: 'alert', text: `Failed: ${view.failure}` }) : null,
      type === 'experiment' && (view?.decision || view?.decidesAt) ? h('h3', { text: 'Experiment' }) : null,
      type === 'experiment' ? experimentFigures(view) : null,
      view?.partitions ? h('h3', { text: 'Partitions' }) : null,
      view?.partitions ? h('div', { class: 'table-wrap' }, h('table', { class: 'partitions' },
        h('thead', {}, h('tr', {}, ['#', 'Member', 'State', 'In', 'Out'].map(c => h('th', { scope: 'col', text: c })))),
        h('tbody', {}, view.partitions.map(p => h('tr', {},
          h('td', { text: p.id }), h('td', { text: member(p.node) }), h('td', { text: p.state }), h('td', { text: number(p.in) }),
          h('td', {}, ...Object.entries(p.out ?? {}).map(([port, count]) => h('div', { text: `${port} ${number(count)}` })))))))) : null,
      h('h3', { text: 'Parameters' }),
      h('pre', { class: 'json', text: JSON.stringify(parameters, null, 2) }),
      h('h3', { text: 'Log' }),
    ];
    const log = h('ul', { class: 'log' }, h('li', { class: 'muted', text: 'Loading…' }));
    panel.replaceChildren(...body.filter(Boolean), log);
    if (fresh) panel.querySelector('h2').focus?.();
    try {
      const { lines } = await api(`/api/campaigns/${id}/logs${run ? `?execution=${run.id}` : ''}`);
      const mine = lines.filter(l => l.activity === activity.id);
      log.replaceChildren(...(mine.length ? mine.map(l => h('li', { class: `level-${l.level}` }, h('time', { text: when(l.at) }), ` ${l.message}`))
        : [h('li', { class: 'muted', text: 'No log line for this activity.' })]));
    } catch (error) { log.replaceChildren(h('li', { class: 'error', text: describeError(error) })); }
  }

  async function showTransition(t) {
    selected = { transition: t };
    const run = execution();
    panel.replaceChildren(h('h2', { text: `${t.from} → ${t.to}` }), h('p', { class: 'muted', text: `port ${t.port ?? 'out'}` }));
    if (!run) { panel.append(h('p', { text: 'No execution yet: run a test to see who goes this way.' })); return; }
    try {
      const preview = await api(`/api/campaigns/${id}/transitions/${encodeURIComponent(t.from)}/${encodeURIComponent(t.port ?? 'out')}?execution=${run.id}&limit=20`);
      const columns = preview.profiles.length ? Object.keys(preview.profiles[0]) : ['id'];
      panel.append(h('p', { text: `${number(preview.count)} profiles; the first ${preview.profiles.length}:` }),
        h('div', { class: 'table-wrap' }, h('table', { class: 'preview' },
          h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', text: c })))),
          h('tbody', {}, preview.profiles.map(p => h('tr', {}, columns.map(c => h('td', { text: p[c] ?? '' }))))))));
    } catch (error) { panel.append(h('p', { class: 'error', text: describeError(error) })); }
  }

  current = await api(`/api/campaigns/${id}/status`).catch(() => ({ status, executions: [] }));
  refresh();
  follow(`/api/campaigns/${id}/events`, data => { current = data; refresh(); }, feed.signal).catch(() => { /* the page was left */ });
  return () => feed.abort();
}

const allowedIn = {
  test: ['draft'],
  publish: ['draft'],
  pause: ['live', 'scheduled'],
  resume: ['paused', 'failed'],
  stop: ['live', 'scheduled', 'paused', 'failed'],
  edit: ['draft'],
};

function legend() {
  const states = ['pending', 'running', 'waiting', 'paused', 'completed', 'held', 'skipped', 'failed'];
  return h('ul', { class: 'legend', 'aria-label': 'Activity states' }, states.map(s => h('li', { class: `state-${s}` }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), s)));
}

/** A member's address as people read it: host and port. */
function member(address) {
  return (address ?? '?').replace(/^.*@/, '');
}
