// What the editor knows of each activity type: what a new one starts with, the ports it has, the fields to edit.
// Fields: [key, label, kind] with kind text, area (multi-line), select:<a|b>, number, bool, list (comma-separated),
// json (a structured value, edited as JSON); a key with a dot edits inside an object (content.subject).

export const catalogue = {
  buildAudience: { start: { filter: '' }, fields: [['filter', 'Filter (empty: every profile)', 'area']] },
  readAudience: { start: { audience: '' }, fields: [['audience', 'Audience', 'text']] },
  combine: { start: { mode: 'union' }, fields: [['mode', 'Mode', 'select:union|intersection|exclusion'], ['primary', 'Primary (exclusion)', 'text'], ['complement', 'Complement', 'bool']] },
  deduplicate: { start: { keys: ['email'], method: 'lowest', by: 'id' }, fields: [['keys', 'Keys (comma-separated)', 'list'], ['keep', 'Keep', 'number'], ['method', 'Method', 'select:lowest|highest|random'], ['by', 'By', 'text']] },
  enrich: { start: { columns: {} }, fields: [['columns', 'Columns (JSON: name → expression)', 'json']] },
  split: { start: { subsets: [{ name: 'first', filter: '' }], complement: true }, fields: [['subsets', 'Subsets (JSON)', 'json'], ['complement', 'Complement', 'bool'], ['allowOverlap', 'Allow overlap', 'bool']] },
  saveAudience: { start: { audience: '' }, fields: [['audience', 'Audience', 'text']] },
  wait: { start: { duration: 'P1D' }, fields: [['duration', 'Duration (ISO 8601)', 'text'], ['until', 'Until (timestamp)', 'text']] },
  fork: { start: {}, fields: [] },
  andJoin: { start: { primary: '' }, fields: [['primary', 'Primary', 'text']] },
  test: { start: { conditions: [{ name: 'big', when: 'count > 1000' }] }, fields: [['conditions', 'Conditions (JSON)', 'json']] },
  end: { start: {}, fields: [] },
  email: {
    start: { content: { from: 'news@example.com', subject: 'Hello {{ firstName }}', html: '<p>Hello</p>' } },
    fields: [['content.from', 'From', 'text'], ['content.subject', 'Subject', 'text'], ['content.html', 'HTML', 'area'], ['content.text', 'Text', 'area'],
      ['category', 'Category', 'select:marketing|transactional'], ['throttle', 'Throttle (messages/s)', 'number']],
  },
  sms: { start: { content: { text: 'Hello {{ firstName }}' } }, fields: [['content.text', 'Text', 'area'], ['category', 'Category', 'select:marketing|transactional'], ['throttle', 'Throttle (messages/s)', 'number']] },
  push: { start: { content: { title: 'Hello', body: 'Hello {{ firstName }}' } }, fields: [['content.title', 'Title', 'text'], ['content.body', 'Body', 'area'], ['category', 'Category', 'select:marketing|transactional'], ['throttle', 'Throttle (messages/s)', 'number']] },
};

export function ports(activity) {
  switch (activity.type) {
    case 'combine': return activity.complement ? ['out', 'complement'] : ['out'];
    case 'deduplicate': return ['out', 'duplicates'];
    case 'split': return [...(activity.subsets ?? []).map(s => s.name).filter(Boolean), ...(activity.complement ? ['complement'] : [])];
    case 'test': return [...(activity.conditions ?? []).map(c => c.name).filter(Boolean), 'default'];
    case 'end': return [];
    case 'email': case 'sms': case 'push': return ['out', 'excluded'];
    default: return ['out'];
  }
}

export function read(activity, key) {
  return key.split('.').reduce((value, part) => value?.[part], activity);
}

export function write(activity, key, value) {
  const parts = key.split('.');
  let target = activity;
  for (const part of parts.slice(0, -1)) target = target[part] ??= {};
  if (value === undefined || value === '') delete target[parts.at(-1)];
  else target[parts.at(-1)] = value;
}
