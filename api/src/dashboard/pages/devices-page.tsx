import { Hono } from 'hono';
import { z } from 'zod';
import { isShambaError, ShambaError, type Field, type Role } from '@shamba/schemas';
import { requireRole } from '../../auth/tenancy.js';
import {
  t,
  type DashboardContext,
  type DashboardDeps,
  type DashboardEnv,
} from '../dashboard-env.js';
import { Layout } from '../layout.js';
import { pageCoop } from '../page-coop.js';
import { devicesHealth, STALE_AFTER_MS } from './devices/device-health.js';
import { DeviceTable } from './devices/device-table.js';
import { provisionDevice, ProvisionFormSchema, type Provisioned } from './devices/provision.js';
import {
  devicesHref,
  ProvisionedCredentials,
  ProvisionForm,
  type FormValues,
} from './devices/provision-form.js';

/** Who sees the devices page: the cooperative's staff, technicians included (they fit them). */
const VIEW_ROLES: readonly Role[] = ['admin', 'manager', 'agronomist', 'technician'];
/** Who registers devices (and so holds their secrets for a moment): not agronomists. */
const PROVISION_ROLES: readonly Role[] = ['admin', 'manager', 'technician'];

const formText = (value: unknown) => (typeof value === 'string' ? value.trim() : undefined);

/** `GET /devices` (health of every device) and `POST /devices` (provision one: its secret once). */
export function devicePages(deps: DashboardDeps) {
  const { registry } = deps;

  /** The page: the table, then the form (for who may provision), with an outcome above them. */
  async function render(
    c: DashboardContext,
    coopId: string,
    outcome: { provisioned?: Provisioned; error?: string; values?: FormValues } = {},
  ) {
    const [devices, fields] = await Promise.all([
      devicesHealth(deps, coopId, deps.clock()),
      registry.fields.list({ coopId }),
    ]);
    const fieldNames = new Map(fields.map((f: Field) => [f.id, f.name]));
    const mayProvision = PROVISION_ROLES.includes(c.get('principal').role);
    return c.html(
      <Layout
        c={c}
        deps={deps}
        title={t(c, 'devices.title')}
        active="/devices"
        entry="devices"
        data={{
          coopId,
          staleAfterMs: STALE_AFTER_MS,
          staleText: t(c, 'devices.stale'),
          devices: devices.map((d) => ({ id: d.id, lastSeenMs: d.lastSeenMs })),
        }}
      >
        {outcome.provisioned === undefined ? null : (
          <ProvisionedCredentials c={c} provisioned={outcome.provisioned} />
        )}
        <DeviceTable c={c} devices={devices} fieldNames={fieldNames} />
        {mayProvision && outcome.provisioned === undefined ? (
          <ProvisionForm
            c={c}
            coopId={coopId}
            fields={fields}
            {...(outcome.values === undefined ? {} : { values: outcome.values })}
            {...(outcome.error === undefined ? {} : { error: outcome.error })}
          />
        ) : null}
      </Layout>,
    );
  }

  return new Hono<DashboardEnv>()
    .get('/devices', async (c) => {
      requireRole(c.get('principal'), VIEW_ROLES);
      const coopId = await pageCoop(c, { registry, roles: VIEW_ROLES }, c.req.query('coop'));
      if (coopId === null) return chooseCoop(c, deps);
      return render(c, coopId);
    })
    .post('/devices', async (c) => {
      requireRole(c.get('principal'), PROVISION_ROLES);
      const body = await c.req.parseBody();
      const coopId = await pageCoop(c, { registry, roles: PROVISION_ROLES }, formText(body.coop));
      if (coopId === null) throw new ShambaError('INVALID_REQUEST', 'name the cooperative');
      const values: FormValues = {};
      for (const key of ['id', 'kind', 'field', 'zone'] as const) {
        const value = formText(body[key]);
        if (value !== undefined) values[key] = value;
      }
      // Nothing on this page may be kept by a cache: it may hold the secret.
      c.header('cache-control', 'no-store');
      const parsed = ProvisionFormSchema.safeParse(values);
      if (!parsed.success) {
        c.status(400);
        const reason = z.prettifyError(parsed.error);
        return render(c, coopId, { values, error: t(c, 'devices.invalid', { reason }) });
      }
      try {
        const provisioned = await provisionDevice(registry, coopId, parsed.data);
        return await render(c, coopId, { provisioned });
      } catch (error) {
        if (!isShambaError(error, 'INVALID_REQUEST')) throw error;
        const duplicate = error.details?.duplicate === true;
        c.status(duplicate ? 409 : 400);
        const message = duplicate
          ? t(c, 'devices.duplicate', { id: parsed.data.id })
          : t(c, 'devices.invalid', { reason: error.message });
        return render(c, coopId, { values, error: message });
      }
    });
}

/** An admin belongs to no cooperative: they choose whose devices to see. */
async function chooseCoop(c: DashboardContext, deps: DashboardDeps) {
  const coops = await deps.registry.coops.list();
  return c.html(
    <Layout c={c} deps={deps} title={t(c, 'devices.title')} active="/devices" entry="devices">
      <h2>{t(c, 'devices.choose-coop')}</h2>
      <ul id="coops">
        {coops.map((coop) => (
          <li>
            <a href={devicesHref(c, coop.id)}>{coop.name}</a>
          </li>
        ))}
      </ul>
    </Layout>,
  );
}
