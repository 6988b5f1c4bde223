import { z } from 'zod';
import { ShambaError, type ParameterSet } from '@shamba/schemas';
import { requireRole } from '../../../auth/tenancy.js';
import { PUBLISHERS, publishParameterSet } from '../../../routes/parameter-sets.js';
import { t, type DashboardContext, type DashboardDeps } from '../../dashboard-env.js';
import { Layout } from '../../layout.js';
import { readParameterForm, type ParameterProblem } from './parameter-form.js';
import { formValues } from './parameter-fields.js';
import { pageCoop } from '../../page-coop.js';
import { CoopChooser, coopHref } from './page-coop.js';
import { Comparison, CompareForm, PublishForm, SetView, VersionList } from './parameters-view.js';

const PATH = '/agronomy/parameters';

/** A version number in the query (`?version=`, `?compare=`, `?with=`); anything else is absent. */
const VersionSchema = z.coerce.number().int().min(1).max(1_000_000);

function versionParam(c: DashboardContext, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return undefined;
  const parsed = VersionSchema.safeParse(raw);
  if (!parsed.success) throw new ShambaError('INVALID_REQUEST', `?${name}= is a version number`);
  return parsed.data;
}

async function version(deps: DashboardDeps, coopId: string, n: number): Promise<ParameterSet> {
  const set = await deps.registry.parameterSets.get(coopId, n);
  if (set === undefined) throw new ShambaError('NOT_FOUND', `no parameter set version ${n}`);
  return set;
}

/**
 * The page: the versions, one version's values (`?version=`, else the latest) or a comparison
 * (`?compare=A&with=B`), and for publishers the form for the next version (`form` carries a
 * refused submission back with its messages).
 */
export async function parametersPage(
  c: DashboardContext,
  deps: DashboardDeps,
  options: {
    coopId: string;
    form?: { values: Record<string, string>; errors: Record<string, ParameterProblem> };
  },
) {
  const { coopId } = options;
  const sets = await deps.registry.parameterSets.list(coopId);
  const latest = sets[0];
  const from = versionParam(c, 'compare');
  const to = versionParam(c, 'with');
  const asked = versionParam(c, 'version');
  const comparing =
    from !== undefined && to !== undefined
      ? { from: await version(deps, coopId, from), to: await version(deps, coopId, to) }
      : undefined;
  const shown = asked === undefined ? latest : await version(deps, coopId, asked);
  const published = versionParam(c, 'published');
  const canPublish = PUBLISHERS.includes(c.get('principal').role);
  return (
    <Layout
      c={c}
      deps={deps}
      title={t(c, 'agronomy.parameters-title')}
      active={PATH}
      entry="agronomy"
    >
      {published === undefined ? null : (
        <p class="notice" role="status" id="published">
          {t(c, 'agronomy.published-notice', { version: published })}
        </p>
      )}
      {latest === undefined ? (
        <p id="no-parameter-set">{t(c, 'agronomy.none')}</p>
      ) : (
        <>
          <VersionList c={c} coopId={coopId} sets={sets} />
          {sets.length > 1 ? (
            <CompareForm
              c={c}
              coopId={coopId}
              sets={sets}
              {...(from === undefined ? {} : { from })}
              {...(to === undefined ? {} : { to })}
            />
          ) : null}
          {comparing === undefined ? null : <Comparison c={c} {...comparing} />}
          {comparing !== undefined || shown === undefined ? null : <SetView c={c} set={shown} />}
        </>
      )}
      {canPublish ? (
        <PublishForm
          c={c}
          coopId={coopId}
          nextVersion={(latest?.version ?? 0) + 1}
          values={options.form?.values ?? { ...formValues(latest), note: '' }}
          errors={options.form?.errors ?? {}}
        />
      ) : (
        <p class="help" id="publish-not-allowed">
          {t(c, 'agronomy.publish-not-allowed')}
        </p>
      )}
    </Layout>
  );
}

/** `GET /agronomy/parameters`: an admin first chooses the cooperative. */
export async function showParameters(c: DashboardContext, deps: DashboardDeps) {
  const coopId = await pageCoop(c, deps);
  if (coopId === null)
    return c.html(
      <Layout c={c} deps={deps} title={t(c, 'agronomy.parameters-title')} active={PATH}>
        <CoopChooser c={c} coops={await deps.registry.coops.list()} path={PATH} />
      </Layout>,
    );
  return c.html(parametersPage(c, deps, { coopId }));
}

/**
 * `POST /agronomy/parameters`: what `POST /v1/coops/:id/parameter-sets` does (publishers only,
 * the same schema, the same registry call). A refusal is the page again, 400, with what was
 * typed and each message beside its input; nothing is stored.
 */
export async function publishParameters(c: DashboardContext, deps: DashboardDeps) {
  const form = await c.req.parseBody();
  const coopId = await pageCoop(c, deps, typeof form.coop === 'string' ? form.coop : undefined);
  if (coopId === null) throw new ShambaError('INVALID_REQUEST', 'name the cooperative');
  const principal = c.get('principal');
  requireRole(principal, PUBLISHERS); // before reading the form: a manager gets 403, not 400
  const read = readParameterForm(form);
  if (!read.ok)
    return c.html(
      parametersPage(c, deps, { coopId, form: { values: read.values, errors: read.errors } }),
      400,
    );
  const set = await publishParameterSet(deps.registry, {
    principal,
    coopId,
    input: read.input,
    atMs: deps.clock(),
  });
  return c.redirect(coopHref(c, coopId, `${PATH}?published=${set.version}`), 303);
}
