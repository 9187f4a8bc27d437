/**
 * What the widget remembers about this browser's visitor, per widget key. localStorage
 * may be unavailable (blocked third-party storage, private modes): then the visitor
 * simply starts fresh each time, the chat still works.
 */
export interface StoredVisitor {
  token?: string;
  conversationId?: string;
}

const keyFor = (widgetKey: string) => `support-widget:${widgetKey}`;

export function readVisitor(widgetKey: string): StoredVisitor {
  try {
    const raw = window.localStorage.getItem(keyFor(widgetKey));
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === "object" ? (parsed as StoredVisitor) : {};
  } catch {
    return {};
  }
}

export function writeVisitor(widgetKey: string, update: StoredVisitor): void {
  try {
    window.localStorage.setItem(keyFor(widgetKey), JSON.stringify({ ...readVisitor(widgetKey), ...update }));
  } catch {
    // Storage refused: nothing to remember, nothing to break.
  }
}

export function forgetVisitor(widgetKey: string): void {
  try {
    window.localStorage.removeItem(keyFor(widgetKey));
  } catch {
    // As above.
  }
}
