import type { Role } from '@shamba/schemas';
import type { Fresh, Target } from './tenancy-seed.js';

/**
 * The cells of the tenancy matrix (tests/src/tenancy-matrix.e2e.test.ts): every route of the
 * OpenAPI document that names a cooperative's object, with the status each role of cooperative A
 * gets on A's object (read from the route's code). On B's object every role gets 404, or 403
 * where the route checks the role before the cooperative (then nothing about B is revealed):
 * `other` lists where a role passes the role check on A but gets 404 on B because the
 * cooperative is checked first (`staffCoop`, then a narrower role). A route naming two objects
 * (or naming one in its body) is also called `mixed`: A's cooperative or field with B's farmer,
 * field, device or prescription, which must be as unknown as a missing one.
 */

export interface Cell {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, `{param}`s filled from the target. */
  path: string;
  query?: string;
  body?: (t: Target) => unknown;
  /** A CSV body instead of JSON. */
  csv?: (t: Target) => string;
  /** The status each role gets on its own cooperative (admin: on A). */
  own: Record<Role, number>;
  /** Where B's status is not `own === 403 ? 403 : 404`. */
  other?: Partial<Record<Role, number>>;
  /**
   * The path's first object from A and the others (in the path or the body) from B: the status
   * for roles that pass the role check (default 404; 400 where a body names B's object).
   */
  mixed?: number;
  /** The target's keys the mixed call takes from A (default: the path's first object). */
  mixFromA?: readonly (keyof Target)[];
  /** Told apart from another cell of the same route in the printed table. */
  note?: string;
  /** Objects made for each call (in the cooperative it acts on): the cell changes them. */
  fresh?: readonly Fresh[];
  /** Server-Sent Events: only the status of opening is read. */
  stream?: boolean;
}

const ROLE_LIST: Role[] = ['admin', 'manager', 'agronomist', 'farmer', 'technician'];
const only = (status: number, roles: Role[]) =>
  Object.fromEntries(ROLE_LIST.map((r) => [r, roles.includes(r) ? status : 403])) as Record<
    Role,
    number
  >;
/** Every role the same status on its own cooperative. */
const all = (status: number) => only(status, ROLE_LIST);
/** Cooperative staff; farmers and technicians are refused. */
const staff = (status: number) => only(status, ['admin', 'manager', 'agronomist']);
/** Only agronomists (and admins) may: tuning, models, zones. */
const agronomists = (status: number) => only(status, ['admin', 'agronomist']);
const managers = (status: number) => only(status, ['admin', 'manager']);
const provisioners = (status: number) => only(status, ['admin', 'manager', 'technician']);
/** `staffCoop` first, then managers only: an agronomist learns B is not theirs (404). */
const STAFF_THEN_MANAGER = { agronomist: 404 };

const HISTORY_HEADER =
  'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0';
const FORECAST = {
  source: 'NMA Ethiopia',
  issuedAt: '2026-11-30T06:00:00Z',
  days: [{ date: '2026-12-01', rainMm: 2, et0Mm: 5 }],
};
// Metres east and north of a point near Bishoftu, Ethiopia, as WGS 84 degrees (to 0.1%).
const at = (xM: number, yM: number): [number, number] => [
  38.98 + xM / 110_030,
  8.75 + yM / 110_592,
];
const PLOT = {
  type: 'Polygon',
  coordinates: [[at(0, 0), at(100, 0), at(100, 100), at(0, 100), at(0, 0)]],
};

export const CELLS: Cell[] = [
  // Fields, their readings, images, zones and prescriptions.
  { method: 'GET', path: '/v1/fields/{fieldId}', own: all(200) },
  { method: 'GET', path: '/v1/fields/{fieldId}/readings', own: all(200) },
  { method: 'GET', path: '/v1/fields/{fieldId}/indices', own: all(200) },
  // The cooperative's own scene is found (its item is not a real file here: 422, not 404).
  { method: 'GET', path: '/v1/fields/{fieldId}/ndvi.png', query: 'scene={scene}', own: all(422) },
  // A job, answered 202 at once (its work is the job's).
  {
    method: 'POST',
    path: '/v1/fields/{fieldId}/zones/delineate',
    body: () => ({}),
    own: agronomists(202),
  },
  { method: 'GET', path: '/v1/fields/{fieldId}/prescriptions/latest', own: all(200) },
  // Only an irrigation prescription was made.
  {
    method: 'GET',
    path: '/v1/fields/{fieldId}/prescriptions/latest',
    query: 'kind=nitrogen',
    own: all(404),
  },
  { method: 'GET', path: '/v1/fields/{fieldId}/prescriptions', own: all(200) },
  { method: 'GET', path: '/v1/fields/{fieldId}/prescriptions/{prescriptionId}', own: all(200) },
  {
    method: 'GET',
    path: '/v1/fields/{fieldId}/prescriptions/latest/files/{format}',
    own: all(200),
  },
  {
    method: 'GET',
    path: '/v1/fields/{fieldId}/prescriptions/{prescriptionId}/files/{format}',
    own: all(200),
  },
  // The cooperative's staff and the field's farmer follow its delivery.
  {
    method: 'GET',
    path: '/v1/fields/{fieldId}/prescriptions/{prescriptionId}/delivery',
    own: { ...staff(200), farmer: 200 },
  },
  // Staff record fertiliser; the field's farmer reads it; technicians do neither.
  {
    method: 'GET',
    path: '/v1/fields/{fieldId}/fertiliser-applications',
    own: { ...staff(200), farmer: 200 },
  },
  {
    method: 'POST',
    path: '/v1/fields/{fieldId}/fertiliser-applications',
    body: () => ({ date: '2026-01-15', product: 'urea', amount: 50, unit: 'kg-product-ha' }),
    own: staff(201),
  },
  { method: 'GET', path: '/v1/fields/{fieldId}/forecast', own: all(200) },
  // The cooperative itself.
  // Only admins add cooperatives (a route with no cooperative of its own: other is as own).
  {
    method: 'POST',
    path: '/v1/coops',
    body: (t) => ({
      id: `new-coop-${t.n}`,
      name: 'New',
      timeZone: 'Africa/Nairobi',
      countryCode: 'KE',
    }),
    own: only(201, ['admin']),
  },
  { method: 'GET', path: '/v1/coops/{coopId}', own: all(200) },
  {
    method: 'PATCH',
    path: '/v1/coops/{coopId}',
    body: () => ({ name: 'Renamed' }),
    own: managers(200),
  },
  // Farmers: staff read them, managers change them.
  { method: 'GET', path: '/v1/coops/{coopId}/farmers', own: staff(200) },
  {
    method: 'POST',
    path: '/v1/coops/{coopId}/farmers',
    body: (t) => ({ id: `new-farmer-${t.n}`, name: 'New', phone: '+251911000002', language: 'om' }),
    own: managers(201),
    other: STAFF_THEN_MANAGER,
  },
  { method: 'GET', path: '/v1/coops/{coopId}/farmers/{farmerId}', own: staff(200) },
  {
    method: 'PATCH',
    path: '/v1/coops/{coopId}/farmers/{farmerId}',
    body: () => ({ name: 'Changed' }),
    own: managers(200),
    other: STAFF_THEN_MANAGER,
    fresh: ['farmer'],
  },
  {
    method: 'DELETE',
    path: '/v1/coops/{coopId}/farmers/{farmerId}',
    own: managers(200),
    other: STAFF_THEN_MANAGER,
    fresh: ['farmer'],
  },
  {
    method: 'GET',
    path: '/v1/coops/{coopId}/export',
    own: managers(200),
    other: STAFF_THEN_MANAGER,
  },
  // Fields provisioned under the cooperative (read one at a time at /v1/fields/{fieldId}).
  { method: 'GET', path: '/v1/coops/{coopId}/fields', own: all(200) },
  {
    method: 'POST',
    path: '/v1/coops/{coopId}/fields',
    body: (t) => ({
      id: `new-field-${t.n}`,
      name: 'New plot',
      farmerId: t.farmerId,
      crop: 'maize',
      plantingDate: '2026-07-01',
      boundary: PLOT,
      soil: { texture: 'loam' },
      irrigationMethod: 'furrow',
    }),
    own: staff(201),
    // A's cooperative with B's farmer: refused without saying whose the farmer is.
    mixed: 400,
  },
  {
    method: 'PATCH',
    path: '/v1/coops/{coopId}/fields/{fieldId}',
    body: () => ({ name: 'Renamed plot' }),
    own: staff(200),
    fresh: ['field'],
  },
  {
    method: 'PATCH',
    path: '/v1/coops/{coopId}/fields/{fieldId}',
    note: "(farmerId: mixed, A's field given B's farmer)",
    body: (t) => ({ farmerId: t.farmerId }),
    own: staff(200),
    fresh: ['field'],
    mixed: 400,
    mixFromA: ['coopId', 'fieldId'],
  },
  {
    method: 'PUT',
    path: '/v1/coops/{coopId}/fields/{fieldId}/zones',
    body: () => ({ zones: [] }),
    own: staff(200),
    fresh: ['field'],
  },
  // Devices: technicians and managers provision them; agronomists read them.
  { method: 'GET', path: '/v1/coops/{coopId}/devices', own: { ...all(200), farmer: 403 } },
  {
    method: 'POST',
    path: '/v1/coops/{coopId}/devices',
    body: (t) => ({ id: `new-probe-${t.n}`, kind: 'soil-probe', fieldId: t.fieldId }),
    own: provisioners(201),
    // A's cooperative with B's field: refused without saying whose the field is.
    mixed: 400,
  },
  {
    method: 'GET',
    path: '/v1/coops/{coopId}/devices/{deviceId}',
    own: { ...all(200), farmer: 403 },
  },
  ...(['secret', 'disable', 'enable'] as const).map((action): Cell => ({
    method: 'POST',
    path: `/v1/coops/{coopId}/devices/{deviceId}/${action}`,
    own: provisioners(200),
    fresh: ['device'],
  })),
  // Tokens: managers issue, read and revoke their cooperative's.
  {
    method: 'POST',
    path: '/v1/tokens',
    body: (t) => ({ role: 'farmer', coopId: t.coopId, farmerId: t.farmerId }),
    own: managers(201),
    // A's cooperative with B's farmer.
    mixed: 400,
  },
  { method: 'GET', path: '/v1/tokens/{tokenId}', own: managers(200) },
  { method: 'DELETE', path: '/v1/tokens/{tokenId}', own: managers(204), fresh: ['token'] },
  // Messages, replies, jobs, the audit log and live events.
  { method: 'GET', path: '/v1/coops/{coopId}/messages', own: staff(200) },
  { method: 'GET', path: '/v1/coops/{coopId}/replies', own: staff(200) },
  // A farmer's or technician's job does not exist for them: 404 on their own cooperative too.
  { method: 'GET', path: '/v1/jobs/{jobId}', own: { ...staff(200), farmer: 404, technician: 404 } },
  {
    method: 'GET',
    path: '/v1/coops/{coopId}/audit',
    own: managers(200),
    other: STAFF_THEN_MANAGER,
  },
  { method: 'GET', path: '/v1/coops/{coopId}/events', own: all(200), stream: true },
  // The cooperative's images, forecasts, tuning and history.
  { method: 'GET', path: '/v1/coops/{coopId}/ndvi.png', own: staff(422) },
  { method: 'GET', path: '/v1/coops/{coopId}/production', own: staff(200) },
  {
    method: 'GET',
    path: '/v1/coops/{coopId}/season-features.csv',
    query: 'season=2026-meher',
    own: staff(200),
  },
  { method: 'GET', path: '/v1/coops/{coopId}/parameter-sets', own: staff(200) },
  {
    method: 'POST',
    path: '/v1/coops/{coopId}/parameter-sets',
    body: () => ({ note: 'matrix', crops: { maize: { depletionFraction: 0.4 } } }),
    own: agronomists(201),
    // `staffCoop` first, then agronomists only: a manager learns B is not theirs (404).
    other: { manager: 404 },
  },
  // Asked before any forecast was put.
  { method: 'GET', path: '/v1/coops/{coopId}/weather-forecast', own: staff(404) },
  {
    method: 'PUT',
    path: '/v1/coops/{coopId}/weather-forecast',
    body: () => FORECAST,
    own: staff(200),
  },
  { method: 'GET', path: '/v1/coops/{coopId}/yield-history', own: staff(200) },
  {
    method: 'POST',
    path: '/v1/coops/{coopId}/yield-history',
    csv: (t) => `${HISTORY_HEADER}\n2025-meher,${t.fieldId},maize,4.1,60,78,300,12,0.8,0.8,0.6,0.9`,
    own: staff(201),
  },
  {
    method: 'DELETE',
    path: '/v1/coops/{coopId}/yield-history',
    query: 'season=2025-meher&fieldId={historyField}',
    own: staff(200),
    fresh: ['history'],
  },
  // Tiny settings: the cell is about who may train for whom, not the model.
  {
    method: 'POST',
    path: '/v1/models/yield/train',
    body: (t) => ({ coopId: t.coopId, seasons: 4, epochs: 1, hiddenUnits: 2 }),
    own: agronomists(202),
  },
  // A cooperative's view of the models (its versions and the shared ones), named.
  { method: 'GET', path: '/v1/models/yield', query: 'coopId={coopId}', own: staff(200) },
  // An admin's promotion acts on the shared models unless it names a cooperative (?coopId=).
  {
    method: 'POST',
    path: '/v1/models/yield/{version}/promote',
    query: 'coopId={coopId}',
    own: agronomists(200),
  },
  // An admin's promotion acts on the shared models unless it names a cooperative (?coopId=).
  {
    method: 'POST',
    path: '/v1/models/yield/{version}/promote',
    own: { ...agronomists(200), admin: 404 },
  },
];

/** Routes that list things: for A's roles, nothing of B's may appear in the body. */
export const LISTS: { path: string; own: Record<Role, number> }[] = [
  { path: '/v1/fields', own: all(200) },
  { path: '/v1/coops', own: all(200) },
  { path: '/v1/scenes', own: staff(200) },
  { path: '/v1/scenes/quarantine', own: staff(200) },
  { path: '/v1/models/yield', own: staff(200) },
  { path: '/v1/dead-letters', own: { ...staff(200), technician: 200 } },
  { path: '/v1/tokens', own: managers(200) },
  { path: '/v1/tokens?coopId=coop-b', own: managers(200) },
  { path: '/v1/jobs', own: staff(200) },
  { path: '/v1/programme', own: only(200, ['admin']) },
];

/** The object parameters a path names, in order (`{format}` is not an object). */
export const objectParams = (path: string) =>
  [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((p) => p !== 'format');

/** `text` with each `{key}` replaced by the target's value. */
export const fill = (text: string, t: Target) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => String(t[key as keyof Target]));

/** How a cell is printed: its route, query and note. */
export const labelOf = (cell: Cell) =>
  [`${cell.method} ${cell.path}${cell.query === undefined ? '' : `?${cell.query}`}`, cell.note]
    .filter((part) => part !== undefined)
    .join(' ');
