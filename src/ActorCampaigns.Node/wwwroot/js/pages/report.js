import { experimentFigures } from '../experiment.js';
import { api } from '../api.js';
import { describeError, h, notice, number, percent } from '../ui.js';

const SVG = 'http://www.w3.org/2000/svg';

// A campaign's report: the funnel of each channel activity, opens and clicks per hour, exclusions by reason, CSV.
export async function reportPage(main, id) {
  const report = await api(`/api/campaigns/${id}/report`);
  const download = h('button', { type: 'button', class: 'secondary', id: 'download-csv', onclick: async () => {
    try {
      const csv = await api(`/api/campaigns/${id}/report?format=csv`, { text: true });
      const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: `${id}-report.csv` });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) { notice(`No CSV: ${describeError(error)}`, true); }
  } }, 'Download CSV');
  main.append(
    h('div', { class: 'title' }, h('h1', {}, `Report: ${report.name ?? id}`), h('a', { class: 'button secondary', href: `#/campaigns/${id}` }, 'Back to the canvas'), download),
    h('section', { 'aria-labelledby': 'funnel-title' }, h('h2', { id: 'funnel-title', text: 'Funnel' }),
      report.channels.length ? report.channels.map(funnel) : h('p', { class: 'muted', text: 'This campaign sends nothing.' })),
    report.experiments?.length ? h('section', { 'aria-labelledby': 'experiments-title' }, h('h2', { id: 'experiments-title', text: 'Experiments' }),
      report.experiments.map(x => h('div', { class: 'experiment-report', 'data-activity': x.activity },
        h('h3', { text: `${x.activity} (${x.execution})` }), experimentFigures({ decidesAt: x.decidesAt, decision: x.decision })))) : null,
    h('section', { 'aria-labelledby': 'hourly-title' }, h('h2', { id: 'hourly-title', text: 'Opens and clicks per hour' }), hourly(report.hourly)),
    h('section', { 'aria-labelledby': 'exclusions-title' }, h('h2', { id: 'exclusions-title', text: 'Exclusions by reason' }), exclusions(report.channels)));
}

function funnel(channel) {
  const m = channel.total;
  const steps = [['Targeted', m.targeted], ['Sent', m.sent], ['Delivered', m.delivered], ['Opened', m.uniqueOpened], ['Clicked', m.uniqueClicked]];
  const top = Math.max(1, m.targeted);
  return h('figure', { class: 'funnel', 'data-activity': channel.activity },
    h('figcaption', {}, `${channel.activity} (${channel.channel}): delivery ${percent(m.deliveryRate)}, open ${percent(m.openRate)}, click ${percent(m.clickRate)}`),
    h('table', {}, h('tbody', {}, steps.map(([label, value]) => h('tr', {},
      h('th', { scope: 'row', text: label }),
      h('td', { class: 'bar-cell' }, h('span', { class: 'bar', style: `width: ${Math.round(100 * (value ?? 0) / top)}%` })),
      h('td', { class: 'number', 'data-step': label.toLowerCase(), text: number(value) }))))),
    h('p', { class: 'muted small', text: `bounced ${number(m.bounced)}, unsubscribed ${number(m.unsubscribed)}, errors ${number(m.errors)}, retried ${number(m.retried)}` }),
    h('p', { class: 'muted small', 'data-machine': '', text: `not counted above, by machines (privacy proxies, link scanners): opened ${number(m.uniqueMachineOpened)}, clicked ${number(m.uniqueMachineClicked)}` }));
}

function hourly(hours) {
  if (!hours.length) return h('p', { class: 'muted', text: 'No open or click yet.' });
  const byHour = new Map();
  for (const x of hours) {
    const at = byHour.get(x.hour) ?? { opened: 0, clicked: 0 };
    at.opened += x.opened;
    at.clicked += x.clicked;
    byHour.set(x.hour, at);
  }
  const rows = [...byHour.entries()].sort(([a], [b]) => a.localeCompare(b));
  const top = Math.max(1, ...rows.map(([, v]) => Math.max(v.opened, v.clicked)));
  const width = Math.max(640, rows.length * 56 + 40), height = 180;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 30}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', width);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Opens and clicks per hour: ${rows.map(([hour, v]) => `${hour.slice(11, 16)} ${v.opened} opens ${v.clicked} clicks`).join(', ')}`);
  rows.forEach(([hour, v], i) => {
    const x = 30 + i * 56;
    for (const [series, value, dx] of [['opened', v.opened, 0], ['clicked', v.clicked, 22]]) {
      const bar = document.createElementNS(SVG, 'rect');
      const barHeight = Math.round(height * value / top);
      Object.entries({ x: x + dx, y: height - barHeight, width: 20, height: barHeight, class: series }).forEach(([k, val]) => bar.setAttribute(k, val));
      svg.append(bar);
    }
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', x + 21);
    label.setAttribute('y', height + 18);
    label.setAttribute('text-anchor', 'middle');
    label.textContent = hour.slice(11, 16);
    svg.append(label);
  });
  const table = h('table', { class: 'hourly' }, h('thead', {}, h('tr', {}, ['Hour (UTC)', 'Opens', 'Clicks'].map(t => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map(([hour, v]) => h('tr', {}, h('td', { text: hour.slice(0, 16).replace('T', ' ') }), h('td', { class: 'number', text: number(v.opened) }), h('td', { class: 'number', text: number(v.clicked) })))));
  return h('div', {}, h('ul', { class: 'legend' }, h('li', { class: 'series-opened' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), 'opens'),
    h('li', { class: 'series-clicked' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), 'clicks')), svg, table);
}

function exclusions(channels) {
  const rows = channels.flatMap(c => Object.entries(c.total.excluded ?? {}).map(([reason, count]) => [c.activity, reason, count]));
  if (!rows.length) return h('p', { class: 'muted', text: 'No profile was excluded.' });
  return h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ['Activity', 'Reason', 'Profiles'].map(t => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map(([activity, reason, count]) => h('tr', {}, h('td', { text: activity }), h('td', { text: reason }), h('td', { class: 'number', text: number(count) })))));
}
