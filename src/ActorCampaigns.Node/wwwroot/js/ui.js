// Small helpers for building pages: elements, notices, confirmation, numbers.

export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function number(value) {
  return value === null || value === undefined ? '–' : Number(value).toLocaleString('en');
}

export function percent(rate) {
  return `${(100 * (rate ?? 0)).toFixed(1)} %`;
}

export function when(text) {
  return text ? new Date(text).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }) : '–';
}

export function notice(text, failed = false) {
  const box = document.getElementById('notice');
  box.textContent = text;
  box.className = `notice visible${failed ? ' failed' : ''}`;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { box.className = 'notice'; }, 6000);
}

// A confirmation for what cannot be undone (publish, stop); resolves true when confirmed.
export function confirmed(title, text, action) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = action;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
  });
}

export function describeError(error) {
  const details = (error.errors ?? []).map(e => e.path ? `${e.path}: ${e.message}` : e.message).filter(Boolean);
  return details.length ? `${error.message}: ${details.join('; ')}` : error.message;
}
