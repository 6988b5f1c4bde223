import { DELIVERY_STATUSES } from '@shamba/delivery';
import type { ComputationStep, InboundMessage } from '@shamba/schemas';
import { t, type DashboardContext } from '../../dashboard-env.js';
import type { PrescriptionDelivery } from '../../../routes/prescription-delivery.js';
import type { PrescriptionView, ZoneAdvice } from './prescription-view.js';
import { cell } from './season-sections.js';

/** An instant as the tables show it: ISO date and time, UTC (said so). */
export const when = (ms: number | null | undefined) =>
  ms === null || ms === undefined
    ? '–'
    : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A step's value: as many decimals as it needs, up to 3. */
const stepValue = (v: number | null) => (v === null ? '–' : String(Math.round(v * 1000) / 1000));

/** One computation step: what, how (formula), how much, from where, and the measured inputs. */
function Step(props: { c: DashboardContext; step: ComputationStep }) {
  const { c, step } = props;
  const inputs = Object.entries(step.inputs ?? {});
  return (
    <li class="step">
      <span class="step-name">{step.name}</span>
      <code class="step-formula">{step.formula}</code>
      <span class="step-value">
        {'= '}
        <strong>{stepValue(step.value)}</strong> {step.unit}
      </span>
      <span class="step-source">
        {t(c, 'field.rx.source')}: {step.source}
      </span>
      {inputs.length === 0 ? null : (
        <dl class="step-inputs">
          {inputs.map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>{value === null ? t(c, 'field.rx.not-measured') : String(value)}</dd>
            </>
          ))}
        </dl>
      )}
    </li>
  );
}

/** Steps as an ordered list inside a disclosure (an agronomist opens it to check the numbers). */
function Steps(props: {
  c: DashboardContext;
  steps: ComputationStep[];
  label: string;
  id: string;
}) {
  if (props.steps.length === 0) return null;
  return (
    <details class="steps" id={props.id}>
      <summary>{props.label}</summary>
      <ol>
        {props.steps.map((s) => (
          <Step c={props.c} step={s} />
        ))}
      </ol>
    </details>
  );
}

function Zone(props: { c: DashboardContext; zone: ZoneAdvice; kind: string }) {
  const { c, zone, kind } = props;
  return (
    <li class={`zone zone-${zone.action}`} data-zone={zone.zoneId}>
      <h4>{t(c, 'field.rx.zone', { zone: zone.zoneId })}</h4>
      <p class="zone-advice">
        <span class="action">{t(c, `field.rx.action.${zone.action}`)}</span>
        {zone.amount === null ? null : (
          <span class="amount">
            {' · '}
            <strong>{cell(zone.amount, zone.unit === 'mm' ? 1 : 0)}</strong> {zone.unit}
          </span>
        )}
        {zone.areaHa > 0 ? ` · ${cell(zone.areaHa, 2)} ha` : null}
      </p>
      <p class="zone-summary">{zone.summary}</p>
      <Steps
        c={c}
        steps={zone.steps}
        id={`steps-${kind}-${zone.zoneId}`}
        label={t(c, 'field.rx.steps', { n: zone.steps.length })}
      />
    </li>
  );
}

/** The status the way to the farmer has reached, and each message's times. */
function Delivery(props: { c: DashboardContext; delivery: PrescriptionDelivery; kind: string }) {
  const { c, delivery, kind } = props;
  const reached = DELIVERY_STATUSES.indexOf(delivery.status as (typeof DELIVERY_STATUSES)[number]);
  return (
    <div class="delivery" id={`delivery-${kind}`} data-status={delivery.status}>
      <h4>{t(c, 'field.delivery.heading')}</h4>
      <p>{t(c, 'field.delivery.status', { status: t(c, `field.delivery.${delivery.status}`) })}</p>
      <ol class="delivery-steps" aria-label={t(c, 'field.delivery.heading')}>
        {DELIVERY_STATUSES.filter((s) => s !== 'issued').map((s, i) => (
          <li
            class={i + 1 <= reached ? 'done' : 'todo'}
            aria-current={i + 1 === reached ? 'step' : undefined}
          >
            {i + 1 <= reached ? `✓ ${t(c, `field.delivery.${s}`)}` : t(c, `field.delivery.${s}`)}
          </li>
        ))}
      </ol>
      {delivery.messages.length === 0 ? (
        <p class="empty">{t(c, 'field.delivery.no-messages')}</p>
      ) : (
        <div class="table-scroll">
          <table class="compact">
            <caption>{t(c, 'field.delivery.messages')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(c, 'field.delivery.channel')}</th>
                <th scope="col">{t(c, 'field.delivery.state')}</th>
                <th scope="col">{t(c, 'field.delivery.sent')}</th>
                <th scope="col">{t(c, 'field.delivery.delivered')}</th>
                <th scope="col">{t(c, 'field.delivery.acknowledged')}</th>
                <th scope="col">{t(c, 'field.delivery.applied')}</th>
              </tr>
            </thead>
            <tbody>
              {delivery.messages.map((m) => (
                <tr>
                  <td>{m.channel}</td>
                  <td>{m.error === null ? m.state : `${m.state} (${m.error})`}</td>
                  <td>{when(m.sentMs)}</td>
                  <td>{when(m.deliveredMs)}</td>
                  <td>{when(m.acknowledgedMs)}</td>
                  <td>{when(m.appliedMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Each kind's current prescription: the field's advice, each zone's with its steps, delivery. */
export function PrescriptionsSection(props: { c: DashboardContext; views: PrescriptionView[] }) {
  const { c, views } = props;
  return (
    <section aria-labelledby="rx-heading" class="field-section" id="prescriptions">
      <h2 id="rx-heading">{t(c, 'field.rx.heading')}</h2>
      {views.length === 0 ? <p class="empty">{t(c, 'field.rx.none')}</p> : null}
      {views.map(({ prescription: p, zones, delivery }) => (
        <article class={`prescription prescription-${p.kind}`} id={`rx-${p.kind}`} data-id={p.id}>
          <h3>{t(c, `field.rx.kind-${p.kind}`)}</h3>
          <p class="rx-summary">{p.summary}</p>
          <p class="rx-meta">
            {t(c, 'field.rx.made', {
              made: when(p.createdAtMs),
              asOf: when(p.asOfMs),
              rule: `${p.provenance.rule.name} ${p.provenance.rule.version}`,
              parameters: p.provenance.parameterSet,
            })}
          </p>
          <Steps
            c={c}
            steps={p.steps}
            id={`steps-${p.kind}-field`}
            label={t(c, 'field.rx.field-steps', { n: p.steps.length })}
          />
          <ul class="zones">
            {zones.map((z) => (
              <Zone c={c} zone={z} kind={p.kind} />
            ))}
          </ul>
          {delivery === null ? null : <Delivery c={c} delivery={delivery} kind={p.kind} />}
        </article>
      ))}
    </section>
  );
}

/** What the field's farmer sent in, newest first. */
export function RepliesSection(props: { c: DashboardContext; replies: InboundMessage[] }) {
  const { c, replies } = props;
  return (
    <section aria-labelledby="replies-heading" class="field-section" id="replies">
      <h2 id="replies-heading">{t(c, 'field.replies.heading')}</h2>
      {replies.length === 0 ? (
        <p class="empty">{t(c, 'field.replies.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="compact" id="replies-table">
            <thead>
              <tr>
                <th scope="col">{t(c, 'field.replies.received')}</th>
                <th scope="col">{t(c, 'field.replies.text')}</th>
                <th scope="col">{t(c, 'field.replies.command')}</th>
                <th scope="col">{t(c, 'field.replies.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {replies.map((r) => (
                <tr>
                  <td>{when(r.receivedMs)}</td>
                  <td>{r.text}</td>
                  <td>{r.command}</td>
                  <td>{r.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
