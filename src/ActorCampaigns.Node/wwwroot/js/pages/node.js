import { api } from '../api.js';
import { h, number } from '../ui.js';

// The node's own metrics (/metrics, read every two seconds), drawn for an operator without Grafana: cluster members,
// executions running and waiting, messages sent per second by channel, failed and deferred messages.

const every = 2000;
const kept = 60;

// Prometheus' text format: each sample's name, labels and value.
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[label[1]] = label[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

function sum(samples, name, where = () => true) {
  return samples.filter(s => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);
}

function byLabel(samples, name, label, where = () => true) {
  const values = {};
  for (const s of samples.filter(s => s.name === name && where(s.labels))) values[s.labels[label]] = (values[s.labels[label]] ?? 0) + s.value;
  return values;
}

// One look at the node: what the page draws, counters as totals.
function reading(samples, at) {
  return {
    at,
    members: byLabel(samples, 'actorcampaigns_cluster_members', 'status'),
    unreachable: sum(samples, 'actorcampaigns_cluster_unreachable'),
    running: sum(samples, 'actorcampaigns_executions_running'),
    waiting: sum(samples, 'actorcampaigns_executions_waiting'),
    sent: byLabel(samples, 'actorcampaigns_messages_total', 'channel', l => l.outcome === 'sent'),
    errors: byLabel(samples, 'actorcampaigns_messages_total', 'outcome', l => l.outcome !== 'sent'),
  };
}

// Per second between two readings, by key (a counter's rise; none when it went back, the node having restarted).
function rates(before, after, pick) {
  const seconds = (after.at - before.at) / 1000;
  const result = {};
  for (const [key, value] of Object.entries(pick(after))) result[key] = Math.max(0, (value - (pick(before)[key] ?? 0)) / seconds);
  return result;
}

function sparkline(values, label) {
  const width = 240, height = 48, top = Math.max(1, ...values);
  const points = values.map((v, i) => `${(i * width / Math.max(1, kept - 1)).toFixed(1)},${(height - v * height / top).toFixed(1)}`).join(' ');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points);
  svg.append(line);
  return svg;
}

function figure(id, title, value, detail, chart) {
  return h('section', { class: 'figure', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, text: title }), h('p', { class: 'value', text: value }), detail ? h('p', { class: 'detail', text: detail }) : null, chart);
}

export async function nodePage(main) {
  main.append(h('h1', { text: 'Node' }),
    h('p', { class: 'lead' }, 'This node\'s own metrics (', h('code', { text: '/metrics' }), '), read every two seconds.'));
  const board = h('div', { class: 'figures', id: 'node-figures', 'aria-live': 'polite' });
  // A look that fails (the node restarting, a key it no longer takes) says so; the figures stay as last read.
  const failure = h('p', { class: 'error', id: 'node-error', role: 'alert' });
  main.append(failure, board);
  const readings = [];
  let stopped = false;

  async function look() {
    readings.push(reading(parseMetrics(await api('/metrics', { text: true })), Date.now()));
    if (readings.length > kept) readings.shift();
    const now = readings.at(-1);
    const sentRates = readings.slice(1).map((r, i) => rates(readings[i], r, x => x.sent));
    const errorRates = readings.slice(1).map((r, i) => rates(readings[i], r, x => x.errors));
    const channels = Object.keys(now.sent).sort();
    const total = list => list.map(r => Object.values(r).reduce((a, b) => a + b, 0));
    const members = Object.entries(now.members).sort().map(([status, count]) => `${status} ${number(count)}`).join(', ') || 'none';
    board.replaceChildren(
      figure('node-members', 'Cluster members', members, `${number(now.unreachable)} unreachable`),
      figure('node-executions', 'Executions', `${number(now.running)} running`, `${number(now.waiting)} waiting for a slot`,
        sparkline(readings.map(r => r.running + r.waiting), 'executions running and waiting over the last two minutes')),
      figure('node-throughput', 'Messages sent per second',
        channels.length ? channels.map(c => `${c} ${number(Math.round(sentRates.at(-1)?.[c] ?? 0))}`).join(', ') : 'none yet',
        channels.length ? `sent since the node started: ${channels.map(c => `${c} ${number(now.sent[c])}`).join(', ')}` : null,
        sparkline(total(sentRates), 'messages sent per second over the last two minutes')),
      figure('node-errors', 'Messages failed or deferred',
        `${number(Object.values(now.errors).reduce((a, b) => a + b, 0))} since the node started`,
        Object.entries(now.errors).map(([outcome, count]) => `${outcome} ${number(count)}`).join(', ') || 'none',
        sparkline(total(errorRates), 'messages failed or deferred per second over the last two minutes')));
  }

  await look();
  const timer = setInterval(() => {
    if (stopped) return;
    look().then(() => { failure.textContent = ''; }, error => {
      failure.textContent = `The node's metrics could not be read (${error.message}): the figures below are from ${new Date(readings.at(-1).at).toLocaleTimeString('en-GB')}.`;
    });
  }, every);
  return () => { stopped = true; clearInterval(timer); };
}
