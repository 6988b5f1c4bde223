import type {
  Farmer,
  Field,
  IrrigationPrescription,
  OutboxMessage,
  StoredReading,
} from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { InboundSms } from '../gateways/sms-gateway.js';
import type { ParsedReply } from '../replies/index.js';

/**
 * The device id a farmer's reports on a field are stored under (`sms-` and the field's id, cut
 * to the id grammar's 64 characters): apart from every probe's readings, and one per field, so
 * a report on two fields at the same second keeps both (the store keys device, stream, time).
 */
export const observerDeviceId = (fieldId: string): string =>
  `sms-${fieldId}`.slice(0, 64).replace(/-+$/, '');

interface ObservationDeps {
  registry: Registry;
  store: TimeSeriesStore;
  clock: () => number;
  recompute?: (fieldId: string, reason: string) => Promise<unknown>;
}

interface ObservationInput {
  sender: { farmers: Farmer[]; fields: Field[] };
  parsed: Extract<ParsedReply, { kind: 'done' | 'rain' }>;
  sms: InboundSms;
}

export type Observed =
  | { kind: 'unclear'; outcome: string }
  | {
      kind: 'recorded';
      outcome: string;
      answer: 'done-recorded' | 'rain-recorded' | 'applied-recorded';
      values: Record<string, string | number>;
    };

function reading(input: {
  field: Field;
  stream: 'status' | 'weather';
  values: Record<string, number>;
  timeMs: number;
  receivedMs: number;
}): StoredReading {
  return {
    deviceId: observerDeviceId(input.field.id),
    stream: input.stream,
    timeMs: input.timeMs,
    // One report a second at most per farmer: the second is a sequence that never repeats.
    seq: Math.floor(input.timeMs / 1000) % 2 ** 32,
    values: input.values,
    coopId: input.field.coopId,
    fieldId: input.field.id,
    zoneId: null,
    receivedMs: input.receivedMs,
  };
}

/**
 * DONE: an irrigation of the reported depth (or the depth last prescribed for the field) at the
 * reply's time, stored as a valve report (`appliedMm`, stream `status`) so the water balance
 * counts it like a controller's; the message about the field is marked applied. RAIN: the
 * farm's rain gauge, a weather reading on each of the farmer's fields.
 */
export async function recordObservation(
  deps: ObservationDeps,
  { sender, parsed, sms }: ObservationInput,
): Promise<Observed> {
  const receivedMs = deps.clock();
  const timeMs = Math.min(sms.receivedAt.getTime(), receivedMs);
  if (parsed.kind === 'rain') {
    const rows = sender.fields.map((field) =>
      reading({
        field,
        stream: 'weather',
        values: { rainMm: parsed.mm },
        timeMs,
        receivedMs,
      }),
    );
    await deps.store.write(rows);
    return {
      kind: 'recorded',
      outcome: `rain of ${parsed.mm} mm recorded for ${rows.length} field(s)`,
      answer: 'rain-recorded',
      values: { mm: parsed.mm },
    };
  }
  const field =
    sender.fields.find((f) => f.id === parsed.fieldId) ??
    (sender.fields.length === 1 ? sender.fields[0] : undefined);
  if (field === undefined) return { kind: 'unclear', outcome: 'DONE: which field is unclear' };
  // DONE answers the newest advice the farmer got for the field: fertiliser or water.
  const target = { farmerId: field.farmerId, fieldId: field.id };
  const [last, lastN] = await Promise.all([
    deps.registry.messages.lastForField({ ...target, kind: 'irrigation' }),
    deps.registry.messages.lastForField({ ...target, kind: 'nitrogen' }),
  ]);
  if (lastN !== undefined && (last === undefined || lastN.createdMs > last.createdMs)) {
    return fertiliserDone(deps, { field, message: lastN, receivedMs });
  }
  const prescribed =
    last?.prescriptionId == null
      ? undefined
      : ((await deps.registry.prescriptions.get(last.prescriptionId)) as
          IrrigationPrescription | undefined);
  const mm =
    parsed.mm ?? (prescribed === undefined ? undefined : Math.round(prescribed.grossDepthMm));
  if (mm === undefined || mm <= 0) {
    return {
      kind: 'unclear',
      outcome: `DONE for ${field.name}: no depth given and none prescribed`,
    };
  }
  await deps.store.write([
    reading({
      field,
      stream: 'status',
      values: { appliedMm: mm },
      timeMs,
      receivedMs,
    }),
  ]);
  if (last !== undefined) {
    await deps.registry.messages.update(last.id, {
      acknowledgedMs: last.acknowledgedMs ?? receivedMs,
      appliedMs: receivedMs,
    });
  }
  await deps.recompute?.(field.id, `the farmer reported ${mm} mm applied (SMS DONE)`);
  return {
    kind: 'recorded',
    outcome: `irrigation of ${mm} mm recorded for ${field.name}`,
    answer: 'done-recorded',
    values: { mm, field: field.name },
  };
}

/**
 * DONE after a fertiliser message: the prescribed N is recorded as applied (so the next nitrogen
 * prescription subtracts it, as one an agronomist records) and the message marked applied; no
 * water enters the balance, whatever number the reply carries.
 */
async function fertiliserDone(
  deps: ObservationDeps,
  input: { field: Field; message: OutboxMessage; receivedMs: number },
): Promise<Observed> {
  const { field, message, receivedMs } = input;
  const prescribed =
    message.prescriptionId === null
      ? undefined
      : await deps.registry.prescriptions.get(message.prescriptionId);
  const nKgHa = prescribed?.kind === 'nitrogen' ? Math.round(prescribed.nKgHa * 10) / 10 : 0;
  if (nKgHa > 0) {
    await deps.registry.fertiliserApplications.add({
      fieldId: field.id,
      coopId: field.coopId,
      date: new Date(receivedMs).toISOString().slice(0, 10),
      product: 'as prescribed',
      amount: nKgHa,
      unit: 'kg-n-ha',
      nKgHa,
      note: `reported by SMS DONE for prescription ${message.prescriptionId ?? ''}`.slice(0, 500),
      recordedBy: { name: 'the farmer, by SMS', role: 'farmer' },
      recordedAtMs: receivedMs,
    });
  }
  await deps.registry.messages.update(message.id, {
    acknowledgedMs: message.acknowledgedMs ?? receivedMs,
    appliedMs: receivedMs,
  });
  await deps.recompute?.(field.id, `the farmer reported the fertiliser applied (SMS DONE)`);
  return {
    kind: 'recorded',
    outcome: `fertiliser of ${nKgHa} kg N/ha recorded as applied on ${field.name}`,
    answer: 'applied-recorded',
    values: { field: field.name },
  };
}
