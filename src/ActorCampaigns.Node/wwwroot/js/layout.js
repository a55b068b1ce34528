// Layered layout of a canvas: activities in columns by their longest path from a targeting activity, ordered in
// each column by the mean position of their predecessors (two sweeps), so transitions mostly run left to right
// without crossing. Positions the user dragged an activity to (kept per campaign) win over the computed ones.

export const NODE = { width: 176, height: 70, columnGap: 84, rowGap: 30, margin: 24 };

export function layout(activities, transitions, moved = {}) {
  const ids = activities.map(a => a.id);
  const known = new Set(ids);
  const edges = transitions.filter(t => known.has(t.from) && known.has(t.to) && t.from !== t.to);
  const layer = Object.fromEntries(ids.map(id => [id, 0]));
  // Longest path by relaxation, bounded by the number of activities (a cycle in a draft must not loop forever).
  for (let round = 0; round < ids.length; round++) {
    let changed = false;
    for (const e of edges) {
      if (layer[e.to] < layer[e.from] + 1 && layer[e.from] + 1 < ids.length) {
        layer[e.to] = layer[e.from] + 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const id of ids) (columns[layer[id]] ??= []).push(id);
  const row = {};
  columns.forEach(column => column?.forEach((id, i) => { row[id] = i; }));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const column of columns) {
      if (!column) continue;
      const weight = id => {
        const from = edges.filter(e => e.to === id).map(e => row[e.from]);
        return from.length ? from.reduce((a, b) => a + b, 0) / from.length : row[id];
      };
      column.sort((a, b) => weight(a) - weight(b));
      column.forEach((id, i) => { row[id] = i; });
    }
  }
  const position = {};
  for (const id of ids) {
    position[id] = moved[id] ?? {
      x: NODE.margin + layer[id] * (NODE.width + NODE.columnGap),
      y: NODE.margin + row[id] * (NODE.height + NODE.rowGap),
    };
  }
  const width = Math.max(...ids.map(id => position[id].x + NODE.width), 0) + NODE.margin;
  const height = Math.max(...ids.map(id => position[id].y + NODE.height), 0) + NODE.margin;
  return { position, width, height };
}
