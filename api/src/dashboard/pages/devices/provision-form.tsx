import { DEVICE_KINDS, upTopic, type Field } from '@shamba/schemas';
import { t, type DashboardContext } from '../../dashboard-env.js';
import { CsrfField } from '../../layout.js';
import type { Provisioned } from './provision.js';

/** What was typed, sent back with an error so nothing has to be typed again. */
export type FormValues = Partial<Record<'id' | 'kind' | 'field' | 'zone', string>>;

/**
 * `POST /devices`: the device's id, kind, field (a select of the cooperative's) and zone. An
 * admin (no cooperative of their own) sends the cooperative the page is for.
 */
export function ProvisionForm(props: {
  c: DashboardContext;
  coopId: string;
  fields: readonly Field[];
  values?: FormValues;
  error?: string;
}) {
  const { c, values = {} } = props;
  const admin = c.get('principal').role === 'admin';
  return (
    <section aria-labelledby="provision-title">
      <h2 id="provision-title">{t(c, 'devices.provision')}</h2>
      <form method="post" action="/devices" id="provision" class="provision">
        <CsrfField c={c} />
        {admin ? <input type="hidden" name="coop" value={props.coopId} /> : null}
        {props.error === undefined ? null : (
          <p class="error" role="alert" id="provision-error">
            {props.error}
          </p>
        )}
        <p class="help">{t(c, 'devices.provision-help')}</p>
        <label for="device-id">{t(c, 'devices.form-id')}</label>
        <input
          id="device-id"
          name="id"
          required
          maxlength={64}
          pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?"
          autocomplete="off"
          aria-describedby="device-id-help"
          value={values.id ?? ''}
        />
        <p id="device-id-help" class="help">
          {t(c, 'devices.form-id-help')}
        </p>
        <label for="device-kind">{t(c, 'devices.form-kind')}</label>
        <select id="device-kind" name="kind">
          {DEVICE_KINDS.map((kind) => (
            <option value={kind} selected={kind === values.kind}>
              {t(c, `devices.kinds.${kind}`)}
            </option>
          ))}
        </select>
        <label for="device-field">{t(c, 'devices.form-field')}</label>
        <select id="device-field" name="field" required>
          {props.fields.map((field) => (
            <option value={field.id} selected={field.id === values.field}>
              {`${field.name} (${field.id})`}
            </option>
          ))}
        </select>
        <label for="device-zone">{t(c, 'devices.form-zone')}</label>
        <input
          id="device-zone"
          name="zone"
          list="zone-ids"
          autocomplete="off"
          aria-describedby="device-zone-help"
          value={values.zone ?? ''}
        />
        <datalist id="zone-ids">
          {[...new Set(props.fields.flatMap((f) => (f.zones ?? []).map((z) => z.id)))].map((id) => (
            <option value={id} />
          ))}
        </datalist>
        <p id="device-zone-help" class="help">
          {t(c, 'devices.form-zone-help')}
        </p>
        <button type="submit">{t(c, 'devices.form-submit')}</button>
      </form>
    </section>
  );
}

/** The devices page of the cooperative (an admin names it; everyone else has one). */
export const devicesHref = (c: DashboardContext, coopId: string) =>
  c.get('principal').role === 'admin' ? `/devices?coop=${coopId}` : '/devices';

/**
 * The one time the secret is shown: the response is `no-store`, and nothing else ever has it
 * (the registry keeps only its digest).
 */
export function ProvisionedCredentials(props: { c: DashboardContext; provisioned: Provisioned }) {
  const { c, provisioned } = props;
  const { device } = provisioned;
  return (
    <section aria-labelledby="credentials-title" class="credentials">
      <h2 id="credentials-title">{t(c, 'devices.created-title', { id: device.id })}</h2>
      <p class="warning" role="alert">
        {t(c, 'devices.created-once')}
      </p>
      <dl id="credentials">
        <dt>{t(c, 'devices.username')}</dt>
        <dd>
          <code id="mqtt-username">{provisioned.username}</code>
        </dd>
        <dt>{t(c, 'devices.password')}</dt>
        <dd>
          <code id="mqtt-password">{provisioned.password}</code>
        </dd>
        <dt>{t(c, 'devices.topic')}</dt>
        <dd>
          <code>{upTopic(device.coopId, device.id, 'soil').replace(/soil$/, '<stream>')}</code>
        </dd>
      </dl>
      <p>
        <a href={devicesHref(c, device.coopId)}>{t(c, 'devices.back')}</a>
      </p>
    </section>
  );
}
