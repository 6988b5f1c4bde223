/**
 * A message for people (a dead letter's reason, a log line, a quarantine note) cut to `max`
 * characters, saying how long it was: text built from outside input (a payload's validation
 * issues, a file's error) can be any length, and whoever stores or prints it must not be.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `… (${text.length} characters, cut)`;
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}
