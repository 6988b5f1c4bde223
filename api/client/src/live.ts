// Live events (Server-Sent Events): new readings, prescriptions and alerts of the signed-in
// user's cooperative, without a reload. Each shows as a short message in #live (role=status, so
// screen readers hear it) and goes to the page's own script as a `shamba:live` DOM event.

/** The events the server sends (api/src/routes/events.ts). */
export type LiveEvent =
  | { type: 'reading'; data: { deviceId: string; stream: string; time: string; timeMs: number } }
  | {
      type: 'prescription';
      data: { id: string; fieldId: string; fieldName?: string; kind: string; createdAt: string };
    }
  | {
      type: 'alert';
      data:
        | {
            kind: 'dead-letter';
            deviceId: string | null;
            code: string;
            reason: string;
            count: number;
          }
        | { kind: 'silent'; deviceId: string; lastSeen: string };
    };

/** The name pages listen to: `document.addEventListener(LIVE_EVENT, (e) => e.detail)`. */
export const LIVE_EVENT = 'shamba:live';

const TYPES = ['reading', 'prescription', 'alert'] as const;
/** Messages kept on screen: enough to notice a burst, never a wall over the page. */
const MAX_TOASTS = 3;
/** How long a message stays: long enough to read two lines (WCAG 2.2.1 allows dismissing). */
const TOAST_MS = 8_000;

/**
 * The message's text: the layout may give the page's language's templates as `data-*`
 * attributes of #live (`{device}`, `{field}`, `{text}`); English otherwise.
 */
function messageOf(box: HTMLElement, event: LiveEvent): string {
  const fill = (key: 'reading' | 'prescription' | 'alert', fallback: string, value: string) =>
    (box.dataset[key] ?? fallback).replace(/\{\w+\}/, value);
  switch (event.type) {
    case 'reading':
      return fill('reading', 'New readings from {device}', event.data.deviceId);
    case 'prescription':
      return fill(
        'prescription',
        'New prescription for {field}',
        event.data.fieldName ?? event.data.fieldId,
      );
    case 'alert': {
      const { data } = event;
      const text =
        data.kind === 'silent'
          ? `${data.deviceId} silent since ${data.lastSeen.slice(0, 16).replace('T', ' ')} UTC`
          : `${data.deviceId ?? '?'} ${data.code}`;
      return fill('alert', 'Alert: {text}', text);
    }
  }
}

function show(box: HTMLElement, text: string, alert: boolean): void {
  const toast = document.createElement('div');
  toast.className = alert ? 'toast alert' : 'toast';
  toast.textContent = text;
  box.append(toast);
  while (box.childElementCount > MAX_TOASTS) box.firstElementChild?.remove();
  setTimeout(() => toast.remove(), TOAST_MS);
}

function open(coop: string, box: HTMLElement): EventSource {
  const source = new EventSource(`/v1/coops/${encodeURIComponent(coop)}/events`);
  // The server ends a stream whose sign-in ended or that another tab replaced: stay closed.
  source.addEventListener('end', () => source.close());
  for (const type of TYPES) {
    source.addEventListener(type, (message) => {
      const data: unknown = JSON.parse(message.data as string);
      const event = { type, data } as LiveEvent;
      document.dispatchEvent(new CustomEvent<LiveEvent>(LIVE_EVENT, { detail: event }));
      // Twenty devices report every few minutes: readings update one quiet line, and only
      // prescriptions and alerts pop up.
      if (type === 'reading') {
        const line = document.getElementById('live-readings');
        if (line !== null) line.textContent = messageOf(box, event);
      } else show(box, messageOf(box, event), type === 'alert');
    });
  }
  return source;
}

/** Opens the cooperative's event stream (the session cookie signs it in); none without one. */
export function startLive(): void {
  const coop = document.body.dataset.coop ?? '';
  const box = document.getElementById('live');
  if (coop === '' || box === null || typeof EventSource === 'undefined') return;
  let source: EventSource | undefined = open(coop, box);
  // Leaving the page frees its stream at once (the server holds a few per cooperative); coming
  // back to it from the browser's history opens a new one.
  window.addEventListener('pagehide', () => {
    source?.close();
    source = undefined;
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && source === undefined) source = open(coop, box);
  });
}
