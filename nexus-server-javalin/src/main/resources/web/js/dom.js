// Small DOM helpers: elements are built with text nodes only (never HTML strings).

export function $(id) {
  return document.getElementById(id);
}

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== undefined && child !== null) {
      node.append(child);
    }
  }
  return node;
}

export function showError(message) {
  $('alert-text').textContent = message;
  $('alert').hidden = false;
}

export function clearError() {
  $('alert').hidden = true;
  $('alert-text').textContent = '';
}

export function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
