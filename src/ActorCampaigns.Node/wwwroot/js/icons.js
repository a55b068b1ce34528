// One small icon per activity type (16×16 paths), drawn inline: the console works offline.
const paths = {
  buildAudience: 'M2 3h12l-4.5 5.5V13l-3 1.5V8.5z',
  readAudience: 'M5.5 7a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM1 14c0-3 2-5 4.5-5S10 11 10 14zM11 7a2 2 0 1 0 0-4M12 9c1.8.4 3 2.2 3 5h-3',
  combine: 'M6 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10 3.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9z',
  deduplicate: 'M2 2h8v8H2zM6 6h8v8H6z',
  enrich: 'M8 2v12M2 8h12M3 3h10v10H3z',
  split: 'M8 14V8L3 3M8 8l5-5M3 3v3M3 3h3M13 3v3M13 3h-3',
  saveAudience: 'M2 2h10l2 2v10H2zM5 2v4h6V2M5 14v-4h6v4',
  wait: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 4v4l3 2',
  fork: 'M2 8h5M7 8l6-5M7 8l6 5M11 3h2v2M11 13h2v-2',
  andJoin: 'M14 8H9M9 8L3 3M9 8l-6 5M12 6l2 2-2 2',
  test: 'M8 1.5 14.5 8 8 14.5 1.5 8zM7 10.5h2M8 5v3.5',
  end: 'M3 3h10v10H3z',
  email: 'M1.5 3.5h13v9h-13zM1.5 3.5 8 9l6.5-5.5',
  sms: 'M2 2.5h12v8H7l-3.5 3v-3H2z',
  push: 'M8 1.5c2.5 0 4 2 4 4.5v3l1.5 2.5h-11L4 9V6c0-2.5 1.5-4.5 4-4.5zM6.5 13.5a1.5 1.5 0 0 0 3 0',
};

export const activityTypes = Object.keys(paths);

export function iconPath(type) {
  return paths[type] ?? 'M3 3h10v10H3z';
}
