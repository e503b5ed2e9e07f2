// Small inline SVG charts drawn from numbers; no library, nothing fetched.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 34, right: 6, top: 8, bottom: 18 };

function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/**
 * A chart of one series over days: 'line' or 'bar'. Null values leave gaps. `target` draws a
 * dashed line; `format` labels the axis.
 */
export function dayChart({ title, days, values, kind = 'line', target, format = String }) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const present = values.filter((value) => value !== null && value !== undefined);
  const max = Math.max(...present, target ?? 0, 1e-9);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none' });
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index) => PAD.left + (days.length <= 1 ? innerWidth / 2 : (index / (days.length - 1)) * innerWidth);
  const y = (value) => PAD.top + innerHeight - (value / max) * innerHeight;

  root.append(svg('line', { x1: PAD.left, y1: PAD.top + innerHeight, x2: WIDTH - PAD.right, y2: PAD.top + innerHeight, class: 'axis' }));
  for (const value of [0, max]) {
    const label = svg('text', { x: PAD.left - 4, y: y(value) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = format(value);
    root.append(label);
  }
  if (days.length) {
    for (const index of [0, days.length - 1]) {
      const label = svg('text', { x: x(index), y: HEIGHT - 4, 'text-anchor': index === 0 ? 'start' : 'end', class: 'tick' });
      label.textContent = new Date(days[index]).toISOString().slice(5, 10);
      root.append(label);
    }
  }
  if (target !== undefined) root.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(target), y2: y(target), class: 'target' }));

  if (kind === 'bar') {
    const barWidth = Math.max(1, innerWidth / Math.max(days.length, 1) - 2);
    values.forEach((value, index) => {
      if (!value) return;
      root.append(svg('rect', { x: x(index) - barWidth / 2, y: y(value), width: barWidth, height: PAD.top + innerHeight - y(value), class: 'bar' }));
    });
  } else {
    let path = '';
    values.forEach((value, index) => {
      if (value === null || value === undefined) return;
      const previous = values[index - 1];
      path += `${previous === null || previous === undefined || index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(value).toFixed(1)} `;
      root.append(svg('circle', { cx: x(index), cy: y(value), r: 1.8, class: 'dot' }));
    });
    if (path) root.append(svg('path', { d: path.trim(), class: 'line' }));
  }
  figure.append(caption, root);
  return figure;
}
