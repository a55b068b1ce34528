import { layout, NODE } from './layout.js';
import { iconPath } from './kinds.js';

// The canvas of a campaign as SVG: an activity per box (icon, id, type, state; colour per state), a transition per
// curve labelled with its population. `update` changes states and counts in place, so live updates of a large
// canvas touch a few text nodes rather than redrawing it.

const SVG = 'http://www.w3.org/2000/svg';

function element(name, attributes = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  parent?.appendChild(node);
  return node;
}

export function drawCanvas(svg, document, options = {}) {
  const { moved = {}, onActivity, onTransition, onMove } = options;
  const activities = document.activities ?? [];
  const transitions = (document.transitions ?? []).map(t => ({ ...t, port: t.port ?? 'out' }));
  let placed = layout(activities, transitions, moved);
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${placed.width} ${placed.height}`);
  svg.setAttribute('width', placed.width);
  svg.setAttribute('height', placed.height);
  svg.setAttribute('role', 'group');
  const edgeLayer = element('g', { class: 'edges' }, svg);
  const nodeLayer = element('g', { class: 'nodes' }, svg);
  const edges = [];
  const boxes = {};

  const curve = (from, to) => {
    const a = placed.position[from], b = placed.position[to];
    const x1 = a.x + NODE.width, y1 = a.y + NODE.height / 2, x2 = b.x, y2 = b.y + NODE.height / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    return { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, mx: (x1 + x2) / 2, my: (y1 + y2) / 2 };
  };

  transitions.forEach(t => {
    if (!placed.position[t.from] || !placed.position[t.to]) return;
    const group = element('g', { class: 'transition', tabindex: onTransition ? 0 : -1, role: onTransition ? 'button' : 'img' }, edgeLayer);
    const path = element('path', { class: 'wire', 'marker-end': 'url(#arrow)' }, group);
    const label = element('g', { class: 'count' }, group);
    const back = element('rect', { rx: 4, height: 18 }, label);
    const text = element('text', {}, label);
    const edge = { t, group, path, label, back, text, count: null };
    edges.push(edge);
    if (onTransition) {
      group.addEventListener('click', () => onTransition(t));
      group.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onTransition(t); } });
    }
  });

  const defs = element('defs', {}, svg);
  const marker = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  element('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }, marker);

  activities.forEach(a => {
    const group = element('g', { class: 'activity state-pending', tabindex: 0, role: 'button', 'data-id': a.id }, nodeLayer);
    element('rect', { class: 'box', width: NODE.width, height: NODE.height, rx: 8 }, group);
    const icon = element('svg', { x: 10, y: 10, width: 20, height: 20, viewBox: '0 0 16 16', class: 'icon', 'aria-hidden': 'true' }, group);
    element('path', { d: iconPath(a.type) }, icon);
    const name = element('text', { x: 38, y: 23, class: 'name' }, group);
    name.textContent = a.id;
    const kind = element('text', { x: 38, y: 41, class: 'kind' }, group);
    kind.textContent = a.type;
    const state = element('text', { x: 38, y: 59, class: 'state' }, group);
    const badge = element('text', { x: NODE.width - 10, y: 59, class: 'badge', 'text-anchor': 'end' }, group);
    boxes[a.id] = { activity: a, group, state, badge };
    group.addEventListener('click', () => onActivity?.(a));
    group.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onActivity?.(a); } });
    if (onMove) dragToMove(svg, group, a.id, placed, (id, at) => { moved[id] = at; place(); onMove(id, at); });
  });

  function place() {
    for (const [id, box] of Object.entries(boxes)) {
      const at = placed.position[id];
      box.group.setAttribute('transform', `translate(${at.x},${at.y})`);
    }
    for (const edge of edges) {
      const { d, mx, my } = curve(edge.t.from, edge.t.to);
      edge.path.setAttribute('d', d);
      edge.mx = mx;
      edge.my = my;
      label(edge);
    }
  }

  function label(edge) {
    const port = edge.t.port === 'out' ? '' : `${edge.t.port}: `;
    edge.text.textContent = `${port}${edge.count === null ? '–' : edge.count.toLocaleString('en')}`;
    const width = 10 + 7 * edge.text.textContent.length;
    edge.back.setAttribute('width', width);
    edge.back.setAttribute('x', edge.mx - width / 2);
    edge.back.setAttribute('y', edge.my - 9);
    edge.text.setAttribute('x', edge.mx);
    edge.text.setAttribute('y', edge.my + 4);
    edge.group.setAttribute('aria-label', `Transition ${edge.t.from} ${edge.t.port} to ${edge.t.to}: ` +
      (edge.count === null ? 'no profiles counted yet' : `${edge.count} profiles`));
  }

  function update(execution, errors = {}) {
    for (const [id, box] of Object.entries(boxes)) {
      const view = execution?.activities?.[id];
      // The contract has no paused activity state: an activity that was running when its execution paused shows as paused.
      const state = execution?.state === 'paused' && view?.state === 'running' ? 'paused' : (view?.state ?? 'pending');
      box.group.setAttribute('class', `activity state-${state}${errors[id] ? ' invalid' : ''}${options.selected === id ? ' selected' : ''}`);
      box.state.textContent = state;
      box.badge.textContent = errors[id] ? `${errors[id].length} problem${errors[id].length > 1 ? 's' : ''}` : (view?.errors ? `${view.errors} errors` : '');
      box.group.setAttribute('aria-label', `Activity ${id}, ${box.activity.type}: ${state}` +
        (errors[id] ? `, ${errors[id].length} problems` : '') + (view ? `, ${view.in} in` : ''));
    }
    for (const edge of edges) {
      const out = execution?.activities?.[edge.t.from]?.out;
      edge.count = out && edge.t.port in out ? out[edge.t.port] : null;
      label(edge);
    }
  }

  place();
  update(null);
  return { update, select(id) { options.selected = id; }, boxes };
}

// Dragging an activity moves it (the editor), as do the arrow keys when it has the focus; where it went is kept
// per campaign.
function dragToMove(svg, group, id, placed, moved) {
  group.addEventListener('keydown', e => {
    const step = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[e.key];
    if (!step) return;
    e.preventDefault();
    const at = placed.position[id];
    placed.position[id] = { x: Math.max(0, at.x + step[0]), y: Math.max(0, at.y + step[1]) };
    moved(id, placed.position[id]);
  });
  let start = null;
  group.addEventListener('pointerdown', e => {
    const scale = svg.viewBox.baseVal.width / svg.getBoundingClientRect().width || 1;
    start = { x: e.clientX, y: e.clientY, at: { ...placed.position[id] }, scale, moved: false };
    group.setPointerCapture(e.pointerId);
  });
  group.addEventListener('pointermove', e => {
    if (!start) return;
    const dx = (e.clientX - start.x) * start.scale, dy = (e.clientY - start.y) * start.scale;
    if (Math.abs(dx) + Math.abs(dy) < 4 && !start.moved) return;
    start.moved = true;
    placed.position[id] = { x: Math.max(0, start.at.x + dx), y: Math.max(0, start.at.y + dy) };
    moved(id, placed.position[id]);
  });
  group.addEventListener('pointerup', () => { start = null; });
}
