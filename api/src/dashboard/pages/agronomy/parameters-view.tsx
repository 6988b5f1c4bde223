import { CROP_PARAMETERS } from '@shamba/agronomy';
import type { ParameterSet } from '@shamba/schemas';
import { CsrfField } from '../../layout.js';
import { t, type DashboardContext } from '../../dashboard-env.js';
import {
  CROPS,
  fieldsFor,
  inputName,
  parameterChanges,
  rangeText,
  type ParameterField,
} from './parameter-fields.js';
import { CoopField, coopHref } from './page-coop.js';
import type { ParameterProblem } from './parameter-form.js';

/** `YYYY-MM-DD` (UTC), as every table of the dashboard writes dates. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A refused input's message in the user's language, naming the range it must keep. */
function describe(
  c: DashboardContext,
  problem: ParameterProblem | undefined,
  field?: ParameterField,
): string | undefined {
  if (problem === undefined) return undefined;
  switch (problem.kind) {
    case 'range':
      return field === undefined
        ? problem.message
        : t(c, 'agronomy.error-range', { range: rangeText(field.range), source: field.source });
    case 'integer':
      return t(c, 'agronomy.error-integer');
    case 'number':
      return t(c, 'agronomy.error-number');
    case 'required':
      return t(c, 'agronomy.error-note');
    case 'other':
      return problem.message;
  }
}

function label(c: DashboardContext, field: ParameterField): string {
  const name = t(c, field.labelKey);
  return field.unit === '' ? name : `${name} (${field.unit})`;
}

/** Every published version, newest first, with links to view it and compare it with the last. */
export function VersionList(props: { c: DashboardContext; coopId: string; sets: ParameterSet[] }) {
  const { c, coopId, sets } = props;
  const href = (query: string) => coopHref(c, coopId, `/agronomy/parameters?${query}`);
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">{t(c, 'agronomy.versions')}</h2>
      <div class="table-scroll">
        <table id="parameter-versions">
          <thead>
            <tr>
              <th scope="col">{t(c, 'agronomy.version')}</th>
              <th scope="col">{t(c, 'agronomy.published')}</th>
              <th scope="col">{t(c, 'agronomy.author')}</th>
              <th scope="col">{t(c, 'agronomy.note')}</th>
              <th scope="col">{t(c, 'agronomy.compare')}</th>
            </tr>
          </thead>
          <tbody>
            {sets.map((set) => (
              <tr>
                <th scope="row">
                  <a href={href(`version=${set.version}`)}>{set.version}</a>
                </th>
                <td>{isoDay(set.createdAtMs)}</td>
                <td>{set.author}</td>
                <td>{set.note}</td>
                <td>
                  {set.version > 1 ? (
                    <a href={href(`compare=${set.version - 1}&with=${set.version}`)}>
                      {t(c, 'agronomy.compare-previous', { version: set.version - 1 })}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** One version's values: the ones it sets, each beside the built-in value it replaces. */
export function SetView(props: { c: DashboardContext; set: ParameterSet }) {
  const { c, set } = props;
  const rows = Object.entries(set.crops).flatMap(([crop, override]) =>
    fieldsFor(crop).flatMap((field) => {
      const value = field.read(override);
      const params = CROP_PARAMETERS[crop];
      return value === undefined || params === undefined
        ? []
        : [{ crop, field, value, builtIn: field.builtIn(params), source: field.source }];
    }),
  );
  return (
    <section aria-labelledby="set-title" id="parameter-set" data-version={set.version}>
      <h2 id="set-title">
        {t(c, 'agronomy.viewing', {
          version: set.version,
          date: isoDay(set.createdAtMs),
          author: set.author,
        })}
      </h2>
      <p class="note">{set.note}</p>
      {rows.length === 0 ? (
        <p>{t(c, 'agronomy.no-overrides')}</p>
      ) : (
        <div class="table-scroll">
          <table id="parameter-values">
            <thead>
              <tr>
                <th scope="col">{t(c, 'agronomy.crop')}</th>
                <th scope="col">{t(c, 'agronomy.parameter')}</th>
                <th scope="col">{t(c, 'agronomy.value')}</th>
                <th scope="col">{t(c, 'agronomy.built-in')}</th>
                <th scope="col">{t(c, 'agronomy.source')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <th scope="row">{r.crop}</th>
                  <td>{label(c, r.field)}</td>
                  <td class="num">{r.value}</td>
                  <td class="num">{r.builtIn ?? ''}</td>
                  <td>{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The choice of two versions to compare (a GET form: the comparison is a link to share). */
export function CompareForm(props: {
  c: DashboardContext;
  coopId: string;
  sets: ParameterSet[];
  from?: number;
  to?: number;
}) {
  const { c, sets } = props;
  const options = (selected: number | undefined) =>
    sets.map((s) => (
      <option value={String(s.version)} selected={s.version === selected}>
        {s.version}
      </option>
    ));
  return (
    <form method="get" action="/agronomy/parameters" class="compare-form">
      <CoopField c={c} coopId={props.coopId} />
      <label>
        <span>{t(c, 'agronomy.compare-from')}</span>
        <select name="compare">{options(props.from ?? sets[1]?.version)}</select>
      </label>
      <label>
        <span>{t(c, 'agronomy.compare-with')}</span>
        <select name="with">{options(props.to ?? sets[0]?.version)}</select>
      </label>
      <button type="submit">{t(c, 'agronomy.compare')}</button>
    </form>
  );
}

/** Every parameter two versions set differently, old → new (an unset value is the built-in one). */
export function Comparison(props: { c: DashboardContext; from: ParameterSet; to: ParameterSet }) {
  const { c, from, to } = props;
  const changes = parameterChanges(from, to);
  const shown = (value: number | undefined, builtIn: number | null) =>
    value === undefined ? t(c, 'agronomy.built-in-value', { value: builtIn ?? '-' }) : value;
  return (
    <section aria-labelledby="compare-title" id="comparison">
      <h2 id="compare-title">{t(c, 'agronomy.changes', { from: from.version, to: to.version })}</h2>
      <dl class="notes">
        <dt>{t(c, 'agronomy.version-n', { version: from.version })}</dt>
        <dd>{from.note}</dd>
        <dt>{t(c, 'agronomy.version-n', { version: to.version })}</dt>
        <dd>{to.note}</dd>
      </dl>
      {changes.length === 0 ? (
        <p>{t(c, 'agronomy.no-changes')}</p>
      ) : (
        <div class="table-scroll">
          <table id="parameter-changes">
            <thead>
              <tr>
                <th scope="col">{t(c, 'agronomy.crop')}</th>
                <th scope="col">{t(c, 'agronomy.parameter')}</th>
                <th scope="col">{t(c, 'agronomy.version-n', { version: from.version })}</th>
                <th scope="col">{t(c, 'agronomy.version-n', { version: to.version })}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((ch) => (
                <tr>
                  <th scope="row">{ch.crop}</th>
                  <td>{label(c, ch.field)}</td>
                  <td class="num old">{shown(ch.old, ch.builtIn)}</td>
                  <td class="num new">
                    <span aria-hidden="true">→ </span>
                    {shown(ch.new, ch.builtIn)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * The publish form: every crop's parameters, each input bounded by the schema's range and showing
 * the table it comes from and the built-in value it would replace. Prefilled with the latest
 * version (a version is whole, not a change to the last); on a refusal, what was typed, with
 * each message beside its input.
 */
export function PublishForm(props: {
  c: DashboardContext;
  coopId: string;
  nextVersion: number;
  values: Record<string, string>;
  errors: Record<string, ParameterProblem>;
}) {
  const { c, values, errors } = props;
  const count = Object.keys(errors).length;
  return (
    <section aria-labelledby="publish-title">
      <h2 id="publish-title">{t(c, 'agronomy.publish-title')}</h2>
      <form method="post" action="/agronomy/parameters" id="publish-form" class="publish-form">
        <CsrfField c={c} />
        <CoopField c={c} coopId={props.coopId} />
        {count === 0 ? null : (
          <p class="error" role="alert" id="publish-errors">
            {t(c, 'agronomy.publish-errors', { count })}
            {errors[''] === undefined ? '' : ` ${errors[''].message}`}
          </p>
        )}
        <p class="help">{t(c, 'agronomy.publish-help')}</p>
        <div class="param">
          <label for="note">{t(c, 'agronomy.note')}</label>
          <textarea
            id="note"
            name="note"
            required
            maxlength={2000}
            rows={2}
            aria-describedby={errors.note === undefined ? 'note-help' : 'note-help note-error'}
            aria-invalid={errors.note === undefined ? undefined : 'true'}
          >
            {values.note ?? ''}
          </textarea>
          <span class="help" id="note-help">
            {t(c, 'agronomy.note-help')}
          </span>
          <FieldError id="note-error" message={describe(c, errors.note)} />
        </div>
        {CROPS.map((crop) => (
          <CropInputs c={c} crop={crop} values={values} errors={errors} />
        ))}
        <button type="submit">
          {t(c, 'agronomy.publish-submit', { version: props.nextVersion })}
        </button>
      </form>
    </section>
  );
}

function FieldError(props: { id: string; message: string | undefined }) {
  return props.message === undefined ? null : (
    <span class="error" id={props.id}>
      {props.message}
    </span>
  );
}

function CropInputs(props: {
  c: DashboardContext;
  crop: string;
  values: Record<string, string>;
  errors: Record<string, ParameterProblem>;
}) {
  const { c, crop, values, errors } = props;
  const params = CROP_PARAMETERS[crop]!;
  const fields = fieldsFor(crop);
  const names = fields.map((f) => inputName(crop, f));
  // Open where something is set or refused, so a long form stays short on a phone.
  const open = names.some((n) => (values[n] ?? '') !== '' || errors[n] !== undefined);
  return (
    <details class="crop-inputs" open={open} id={`crop-${crop}`}>
      <summary>{crop}</summary>
      <fieldset>
        <legend>{crop}</legend>
        {fields.map((field) => {
          const name = inputName(crop, field);
          const id = `p-${name.replaceAll('.', '-')}`;
          const builtIn = field.builtIn(params);
          const error = describe(c, errors[name], field);
          const { range } = field;
          return (
            <div class="param">
              <label for={id}>{label(c, field)}</label>
              <input
                id={id}
                name={name}
                type="number"
                inputmode="decimal"
                step={range.integer ? '1' : 'any'}
                min={String(range.min)}
                max={String(range.max)}
                value={values[name] ?? ''}
                placeholder={builtIn === null ? undefined : String(builtIn)}
                aria-describedby={error === undefined ? `${id}-range` : `${id}-range ${id}-error`}
                aria-invalid={error === undefined ? undefined : 'true'}
              />
              <span class="range" id={`${id}-range`}>
                {t(c, 'agronomy.range', { source: field.source, range: rangeText(range) })}
                {' · '}
                {t(c, 'agronomy.table-value', {
                  value: builtIn ?? '-',
                  source: field.builtInSource(params),
                })}
              </span>
              <FieldError id={`${id}-error`} message={error} />
            </div>
          );
        })}
      </fieldset>
    </details>
  );
}
