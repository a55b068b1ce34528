import { h, number, percent, when } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

// An experiment's figures: when it decides while it waits; once decided, who won, why and when, and per arm its rate
// with its 95 % interval (a bar and a whisker on one scale) and its probability to be the best, drawn and as a table.
export function experimentFigures(view) {
  if (view?.decidesAt) {
    return h('div', { class: 'experiment waiting' },
      h('p', { text: `Decides at ${when(view.decidesAt)}; ${number(view.out?.holdback)} held back until then.` }));
  }
  const decision = view?.decision;
  if (!decision) return null;
  const why = decision.forcedBy ? `forced by ${decision.forcedBy}: ${decision.explanation}`
    : decision.reason === 'fallback' ? `fallback: ${decision.explanation}` : decision.explanation;
  return h('figure', { class: 'experiment', 'data-winner': decision.winner },
    h('figcaption', {}, h('strong', { text: `${decision.winner} wins` }), ` (${why}), ${when(decision.decidedAt)}; `,
      `${number(decision.heldBack)} held back sent its way.`),
    chart(decision),
    h('table', { class: 'arms' },
      h('thead', {}, h('tr', {}, ['Arm', 'Reached', decision.metric, 'Rate', '95 %', 'P(best)'].map(t => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, decision.arms.map(arm => h('tr', { 'data-arm': arm.name, class: arm.name === decision.winner ? 'winner' : null },
        h('th', { scope: 'row', text: arm.name }), h('td', { class: 'number', text: number(arm.reached) }),
        h('td', { class: 'number', text: number(arm.successes) }), h('td', { class: 'number', text: percent(arm.rate) }),
        h('td', { class: 'number', text: `${(100 * arm.low).toFixed(1)}–${percent(arm.high)}` }),
        h('td', { class: 'number best', text: arm.probabilityToBeBest.toFixed(3) }))))));
}

function chart(decision) {
  const top = Math.max(0.01, ...decision.arms.map(a => a.high));
  const [left, width, row] = [40, 240, 26];
  const svg = document.createElementNS(SVG, 'svg');
  const height = decision.arms.length * row + 20;
  svg.setAttribute('viewBox', `0 0 ${left + width + 60} ${height}`);
  svg.setAttribute('class', 'chart arms-chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${decision.metric} rate per arm: ` + decision.arms.map(a =>
    `${a.name} ${percent(a.rate)} (95 % ${percent(a.low)} to ${percent(a.high)}), best with probability ${a.probabilityToBeBest.toFixed(3)}`).join('; '));
  const x = rate => left + width * rate / top;
  const add = (tag, attributes, text) => {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
  };
  decision.arms.forEach((arm, i) => {
    const y = 8 + i * row;
    add('text', { x: left - 8, y: y + 13, 'text-anchor': 'end' }, arm.name);
    add('rect', { x: left, y, width: Math.max(1, x(arm.rate) - left), height: 16, class: arm.name === decision.winner ? 'winner' : 'arm' });
    add('line', { x1: x(arm.low), x2: x(arm.high), y1: y + 8, y2: y + 8, class: 'interval' });
    add('line', { x1: x(arm.low), x2: x(arm.low), y1: y + 3, y2: y + 13, class: 'interval' });
    add('line', { x1: x(arm.high), x2: x(arm.high), y1: y + 3, y2: y + 13, class: 'interval' });
    add('text', { x: x(arm.high) + 6, y: y + 13 }, percent(arm.rate));
  });
  return svg;
}
