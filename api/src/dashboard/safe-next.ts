/** A same-site path to go back to after signing in; anything else (`//evil`, `https:`) is `/`. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) ? next : '/';
}
