/** A route as Hono lists it (`app.routes`): middleware is registered under the method `ALL`. */
export interface ListedRoute {
  method: string;
  path: string;
}

/** One path pattern as a RegExp: `:name` (or `:name{regex}`) is a segment, `*` the rest. */
function patternOf(path: string): RegExp {
  const segments = path.split('/').map((segment) => {
    if (segment === '*') return '.*';
    const param = /^:[A-Za-z0-9_]+(?:\{(.+)\})?\??$/.exec(segment);
    if (param !== null) return param[1] ?? '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}/?$`);
}

/**
 * The methods a path is answered with, for a 405's `Allow` (RFC 9110 §15.5.6), or none when no
 * route has the path at all (a 404). GET brings HEAD, which Hono answers for every GET route.
 */
export function allowedMethodsFor(routes: readonly ListedRoute[]) {
  const patterns = routes
    .filter((route) => route.method !== 'ALL' && !route.path.endsWith('*'))
    .map((route) => ({ method: route.method, pattern: patternOf(route.path) }));
  return (path: string): string[] => {
    const methods = new Set<string>();
    for (const { method, pattern } of patterns) if (pattern.test(path)) methods.add(method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
