import {
  ShambaError,
  type Consent,
  type ConsentInput,
  type Farmer,
  type FarmerInput,
  type FarmerPatch,
} from '@shamba/schemas';
import type { Registry } from '@shamba/storage';

/** Who recorded a change and when (the API's principal, the CLI's operator). */
export interface RecordedBy {
  by: string;
  atMs: number;
}

function consentOf(input: ConsentInput, recorded: RecordedBy): Consent {
  const source = input.source === undefined ? recorded.by : `${recorded.by}: ${input.source}`;
  return {
    state: input.state,
    at: new Date(recorded.atMs).toISOString(),
    source: source.slice(0, 100),
  };
}

/** A farmer from a manager's input; consent is stamped with who recorded it and when. */
export function newFarmer(input: {
  coopId: string;
  farmer: FarmerInput;
  recorded: RecordedBy;
}): Farmer {
  const { consent, ...rest } = input.farmer;
  return {
    ...rest,
    coopId: input.coopId,
    ...(consent === undefined ? {} : { consent: consentOf(consent, input.recorded) }),
  };
}

/** The farmer with a manager's changes; a consent change is stamped like a new one. */
export function changedFarmer(input: {
  farmer: Farmer;
  patch: FarmerPatch;
  recorded: RecordedBy;
}): Farmer {
  const { consent, ...rest } = input.patch;
  const given = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as Partial<Farmer>;
  return {
    ...input.farmer,
    ...given,
    ...(consent === undefined ? {} : { consent: consentOf(consent, input.recorded) }),
  };
}

/**
 * Refuses a farmer record that could not work or would take another's messages: a BeiDou
 * channel without a card to send to, or a phone another cooperative has registered (a reply
 * names only its number: it would reach the wrong cooperative).
 */
export async function checkFarmer(registry: Registry, farmer: Farmer): Promise<void> {
  if (farmer.channel === 'beidou' && farmer.beidouCardId === undefined) {
    throw new ShambaError('INVALID_REQUEST', "channel beidou needs the terminal's beidouCardId");
  }
  const sharing = await registry.farmers.byPhone(farmer.phone);
  if (sharing.some((other) => other.coopId !== farmer.coopId)) {
    throw new ShambaError(
      'INVALID_REQUEST',
      `the phone ${farmer.phone} cannot be used: it is registered with another cooperative`,
    );
  }
}
