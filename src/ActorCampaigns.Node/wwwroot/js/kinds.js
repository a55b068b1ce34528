import { api } from './api.js';

// The kinds of activity as the node describes them (GET /api/activity-kinds): what a new one starts with, the fields
// to edit ([key, label, form]), how its ports come about, its icon. Loaded once, before a page draws a canvas.
export const catalogue = {};
let loading = null;

export function loadKinds() {
  loading ??= api('/api/activity-kinds').then(kinds => {
    for (const kind of kinds) catalogue[kind.type] = { ...kind, fields: kind.fields.map(f => [f.key, f.label, f.form]) };
  }).catch(error => {
    loading = null;
    throw error;
  });
  return loading;
}

export function activityTypes() {
  return Object.keys(catalogue);
}

// An activity's ports, from its kind's rules: fixed, present when a flag is set, or one per element of a list.
export function ports(activity) {
  const rules = catalogue[activity.type]?.ports ?? [{ port: 'out' }];
  return rules.flatMap(rule => rule.each ? (activity[rule.each] ?? []).map(e => e?.[rule.name]).filter(Boolean)
    : rule.when ? (activity[rule.when] ? [rule.port] : [])
    : [rule.port]);
}

// One small icon per kind (a 16×16 path), drawn inline: the console works offline.
export function iconPath(type) {
  return catalogue[type]?.icon ?? 'M3 3h10v10H3z';
}
