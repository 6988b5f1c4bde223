import type { Farmer, FarmerChannel, QuietHours } from '@shamba/schemas';

/** 20:00-06:00: the default; a message at night wakes a household with one phone. */
export const DEFAULT_QUIET_HOURS: QuietHours = { start: '20:00', end: '06:00' };

export interface FarmerContact {
  channel: FarmerChannel;
  /** Where the channel delivers: the E.164 phone, the BeiDou card id, or null (none). */
  address: string | null;
  quietHours: QuietHours;
  /** True only after an opt-in that no opt-out followed. */
  consented: boolean;
}

/** The farmer's channel settings with the defaults filled in. */
export function farmerContact(farmer: Farmer): FarmerContact {
  const channel = farmer.channel ?? 'sms';
  const address =
    channel === 'sms' ? farmer.phone : channel === 'beidou' ? (farmer.beidouCardId ?? null) : null;
  return {
    channel,
    address,
    quietHours: farmer.quietHours ?? DEFAULT_QUIET_HOURS,
    consented: farmer.consent?.state === 'opted-in',
  };
}

/** The farmer as the API shows it: every default written out. */
export function withContactDefaults(farmer: Farmer): Farmer {
  const contact = farmerContact(farmer);
  return { ...farmer, channel: contact.channel, quietHours: contact.quietHours };
}
