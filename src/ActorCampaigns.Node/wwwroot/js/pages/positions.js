// Where a person dragged activities to, per campaign, in this browser: the editor moves them, every page keeps them.
export function movedOf(campaign) {
  try { return JSON.parse(localStorage.getItem(`actorcampaigns-positions-${campaign}`) ?? '{}'); } catch { return {}; }
}

export function keepMoved(campaign, moved) {
  localStorage.setItem(`actorcampaigns-positions-${campaign}`, JSON.stringify(moved));
}
