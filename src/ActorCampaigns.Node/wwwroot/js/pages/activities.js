// Reading and writing an activity's field by its key; a key with a dot is inside an object (content.subject).

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
