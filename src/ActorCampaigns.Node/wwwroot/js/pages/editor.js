import { api } from '../api.js';
import { drawCanvas } from '../canvas.js';
import { activityTypes, catalogue, loadKinds, ports } from '../kinds.js';
import { describeError, h, notice, number } from '../ui.js';
import { read, write } from './activities.js';
import { keepMoved, movedOf } from './positions.js';

// The editor of a draft: activities added, connected, moved and removed on the canvas, their parameters edited in
// the side panel, the JSON document kept in step both ways; problems shown at the activity they concern.
export async function editorPage(main, id) {
  await loadKinds();
  let doc = id
    ? (await api(`/api/campaigns/${id}`)).document
    : { name: 'New campaign', schedule: { type: 'asap' }, activities: [], transitions: [] };
  doc.activities ??= [];
  doc.transitions ??= [];
  const moved = movedOf(id ?? 'new');
  let selected = null;
  let problems = {};
  let canvas;

  const name = h('input', { id: 'campaign-name', value: doc.name, oninput: () => { doc.name = name.value; changed(); } });
  const kind = h('select', { id: 'new-type' }, activityTypes().map(t => h('option', { value: t }, t)));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('aria-label', 'Canvas being edited');
  const panel = h('aside', { class: 'panel', 'aria-label': 'Activity' });
  const json = h('textarea', { id: 'document-json', spellcheck: 'false', rows: 16, oninput: () => fromJson() });
  const jsonState = h('p', { class: 'muted', id: 'json-state', 'aria-live': 'polite' });
  const problemList = h('ul', { class: 'problems', id: 'problems', 'aria-live': 'polite' });
  const save = h('button', { type: 'button', id: 'save', onclick: () => saveDraft() }, id ? 'Save draft' : 'Create draft');

  main.append(
    h('div', { class: 'title' }, h('h1', { text: id ? `Edit ${doc.name}` : 'New campaign' })),
    h('div', { class: 'toolbar' },
      h('label', { for: 'campaign-name' }, 'Name'), name,
      h('label', { for: 'new-type' }, 'Activity type'), kind,
      h('button', { type: 'button', id: 'add-activity', class: 'secondary', onclick: () => add(kind.value) }, 'Add activity'),
      save),
    h('div', { class: 'workspace' }, h('div', { class: 'canvas-wrap' }, svg), panel),
    h('section', { 'aria-labelledby': 'problems-title' }, h('h2', { id: 'problems-title', text: 'Problems' }), problemList),
    h('section', { class: 'document' }, h('label', { for: 'document-json' }, 'Campaign document (JSON)'), json, jsonState));

  function redraw() {
    canvas = drawCanvas(svg, doc, {
      moved, selected: selected?.id,
      onActivity: a => select(a.id),
      onMove: () => keepMoved(id ?? 'new', moved),
    });
    canvas.update(null, problems);
  }

  function changed({ fromText = false } = {}) {
    if (!fromText) json.value = JSON.stringify(doc, null, 2);
    redraw();
    validateSoon();
  }

  function fromJson() {
    try {
      const parsed = JSON.parse(json.value);
      doc = { ...parsed, activities: parsed.activities ?? [], transitions: parsed.transitions ?? [] };
      jsonState.textContent = '';
      name.value = doc.name ?? '';
      if (selected && !doc.activities.some(a => a.id === selected.id)) selected = null;
      changed({ fromText: true });
      renderPanel();
    } catch (error) {
      jsonState.textContent = `Not valid JSON yet: ${error.message}`;
    }
  }

  function add(type) {
    let n = 1;
    while (doc.activities.some(a => a.id === `${type.toLowerCase()}${n}`)) n++;
    const activity = { id: `${type.toLowerCase()}${n}`, type, ...structuredClone(catalogue[type].start) };
    doc.activities.push(activity);
    selected = activity;
    changed();
    renderPanel();
    panel.querySelector('input, textarea, select')?.focus();
  }

  function select(activityId) {
    selected = doc.activities.find(a => a.id === activityId) ?? null;
    canvas.select(activityId);
    canvas.update(null, problems);
    renderPanel();
  }

  function renderPanel() {
    if (!selected) {
      panel.replaceChildren(h('p', { class: 'muted', text: 'Add an activity, or select one to edit it and connect it to the next.' }));
      return;
    }
    const activity = selected;
    const idInput = h('input', { id: 'activity-id', value: activity.id, onchange: () => rename(activity, idInput.value.trim()) });
    const fields = catalogue[activity.type]?.fields ?? [];
    const estimate = h('p', { class: 'muted', id: 'estimate', 'aria-live': 'polite' });
    const form = fields.map(([key, label, kindOf]) => field(activity, key, label, kindOf, () => {
      changed();
      if (activity.type === 'buildAudience') estimateSoon(activity.filter ?? '', estimate);
    }));
    const outgoing = doc.transitions.filter(t => t.from === activity.id);
    const portSelect = h('select', { id: 'connect-port' }, ports(activity).map(p => h('option', { value: p }, p)));
    const targets = doc.activities.filter(a => a.id !== activity.id);
    const toSelect = h('select', { id: 'connect-to' }, targets.map(a => h('option', { value: a.id }, a.id)));
    // Parts that do not apply are null, which replaceChildren would write out as text.
    panel.replaceChildren(...[
      h('h2', {}, `${activity.type}`),
      h('div', { class: 'field' }, h('label', { for: 'activity-id' }, 'Id'), idInput),
      ...form,
      activity.type === 'buildAudience' ? estimate : null,
      h('h3', { text: 'Transitions out' }),
      h('ul', { class: 'transitions' }, outgoing.length ? outgoing.map(t => h('li', {}, `${t.port ?? 'out'} → ${t.to} `,
        h('button', { type: 'button', class: 'link', 'aria-label': `Remove transition ${t.port ?? 'out'} to ${t.to}`, onclick: () => {
          doc.transitions = doc.transitions.filter(x => x !== t); changed(); renderPanel();
        } }, 'remove'))) : h('li', { class: 'muted', text: 'none' })),
      ports(activity).length && targets.length ? h('div', { class: 'connect' },
        h('label', { for: 'connect-port' }, 'Port'), portSelect,
        h('label', { for: 'connect-to' }, 'To'), toSelect,
        h('button', { type: 'button', id: 'connect', class: 'secondary', onclick: () => {
          const port = portSelect.value;
          if (!doc.transitions.some(t => t.from === activity.id && (t.port ?? 'out') === port && t.to === toSelect.value)) {
            doc.transitions.push(port === 'out' ? { from: activity.id, to: toSelect.value } : { from: activity.id, port, to: toSelect.value });
          }
          changed();
          renderPanel();
        } }, 'Connect')) : null,
      (problems[activity.id] ?? []).length ? h('ul', { class: 'problems' }, problems[activity.id].map(p => h('li', { class: 'error', text: p }))) : null,
      h('button', { type: 'button', class: 'danger', id: 'remove-activity', onclick: () => {
        doc.activities = doc.activities.filter(a => a !== activity);
        doc.transitions = doc.transitions.filter(t => t.from !== activity.id && t.to !== activity.id);
        selected = null;
        changed();
        renderPanel();
      } }, 'Remove activity')].filter(Boolean));
    if (activity.type === 'buildAudience') estimateSoon(activity.filter ?? '', estimate);
  }

  function rename(activity, next) {
    if (!next || next === activity.id || doc.activities.some(a => a.id === next)) return;
    for (const t of doc.transitions) {
      if (t.from === activity.id) t.from = next;
      if (t.to === activity.id) t.to = next;
    }
    if (moved[activity.id]) { moved[next] = moved[activity.id]; delete moved[activity.id]; }
    activity.id = next;
    changed();
    renderPanel();
  }

  let validation;
  function validateSoon() {
    clearTimeout(validation);
    validation = setTimeout(async () => {
      try {
        await api('/api/campaigns/validate', { method: 'POST', body: doc });
        problems = {};
        problemList.replaceChildren(h('li', { class: 'ok', text: 'No problem: the document is valid.' }));
      } catch (error) {
        problems = {};
        const general = [];
        for (const e of error.errors ?? []) {
          const index = /^\$\.activities\[(\d+)\]/.exec(e.path ?? '')?.[1];
          const owner = index !== undefined ? doc.activities[Number(index)]?.id : null;
          const text = `${e.path}: ${e.message}`;
          if (owner) (problems[owner] ??= []).push(text); else general.push(text);
        }
        problemList.replaceChildren(...[...general, ...Object.values(problems).flat()].map(p => h('li', { class: 'error', text: p })));
        if (!error.errors?.length) problemList.replaceChildren(h('li', { class: 'error', text: describeError(error) }));
      }
      canvas.update(null, problems);
      if (selected) {
        const list = panel.querySelector('ul.problems');
        const mine = problems[selected.id] ?? [];
        const fresh = mine.length ? h('ul', { class: 'problems' }, mine.map(p => h('li', { class: 'error', text: p }))) : h('span');
        if (list) list.replaceWith(fresh); else panel.querySelector('#remove-activity')?.before(fresh);
      }
    }, 400);
  }

  let estimating;
  function estimateSoon(filter, target) {
    clearTimeout(estimating);
    estimating = setTimeout(async () => {
      try {
        const { count } = await api('/api/audiences/estimate', { method: 'POST', body: { filter } });
        target.textContent = `Audience now: ${number(count)} profiles`;
      } catch (error) {
        target.textContent = `No estimate: ${describeError(error)}`;
      }
    }, 300);
  }

  async function saveDraft() {
    try {
      if (id) {
        await api(`/api/campaigns/${id}`, { method: 'PUT', body: doc });
        notice('Draft saved');
        location.hash = `#/campaigns/${id}`;
      } else {
        const created = await api('/api/campaigns', { method: 'POST', body: doc });
        keepMoved(created.id, moved);
        notice('Draft created');
        location.hash = `#/campaigns/${created.id}`;
      }
    } catch (error) {
      notice(`Not saved: ${describeError(error)}`, true);
    }
  }

  changed();
  renderPanel();
}

function field(activity, key, label, kind, changed) {
  const fieldId = `field-${key.replace('.', '-')}`;
  const value = read(activity, key);
  let input;
  if (kind.startsWith('select:')) {
    input = h('select', { id: fieldId }, h('option', { value: '' }, '(default)'), kind.slice(7).split('|').map(o => h('option', { value: o, selected: o === value }, o)));
  } else if (kind === 'bool') {
    input = h('input', { id: fieldId, type: 'checkbox', checked: !!value });
  } else if (kind === 'area' || kind === 'json') {
    input = h('textarea', { id: fieldId, rows: kind === 'json' ? 5 : 3, spellcheck: 'false' });
    input.value = kind === 'json' ? JSON.stringify(value ?? null, null, 2) : (value ?? '');
  } else {
    input = h('input', { id: fieldId, type: kind === 'number' ? 'number' : 'text', value: kind === 'list' ? (value ?? []).join(', ') : (value ?? '') });
  }
  const note = h('span', { class: 'muted small', 'aria-live': 'polite' });
  input.addEventListener(kind === 'bool' || kind.startsWith('select:') ? 'change' : 'input', () => {
    let next;
    if (kind === 'bool') next = input.checked || undefined;
    else if (kind === 'number') next = input.value === '' ? undefined : Number(input.value);
    else if (kind === 'list') next = input.value.split(',').map(s => s.trim()).filter(Boolean);
    else if (kind === 'json') {
      try { next = JSON.parse(input.value); note.textContent = ''; } catch (error) { note.textContent = `not JSON yet: ${error.message}`; return; }
    } else next = input.value;
    write(activity, key, next);
    changed();
  });
  return h('div', { class: 'field' }, h('label', { for: fieldId }, label), input, note);
}
