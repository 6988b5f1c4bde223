import { t, type DashboardContext } from '../../dashboard-env.js';

/** `path` for the cooperative: an admin's links carry `?coop=`, staff's need not. */
export function coopHref(c: DashboardContext, coopId: string, path: string): string {
  if (c.get('principal').role !== 'admin') return path;
  return `${path}${path.includes('?') ? '&' : '?'}coop=${encodeURIComponent(coopId)}`;
}

/** The hidden input that keeps an admin's cooperative on a form's POST. */
export function CoopField(props: { c: DashboardContext; coopId: string }) {
  return props.c.get('principal').role === 'admin' ? (
    <input type="hidden" name="coop" value={props.coopId} />
  ) : null;
}

/** An admin's choice of cooperative, for a page that is about one. */
export function CoopChooser(props: {
  c: DashboardContext;
  coops: readonly { id: string; name: string }[];
  path: string;
}) {
  const { coops } = props;
  return (
    <nav aria-label={t(props.c, 'agronomy.choose-coop')}>
      <p>{t(props.c, 'agronomy.choose-coop')}</p>
      <ul class="coop-list">
        {coops.map((coop) => (
          <li>
            <a href={`${props.path}?coop=${encodeURIComponent(coop.id)}`}>{coop.name}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
