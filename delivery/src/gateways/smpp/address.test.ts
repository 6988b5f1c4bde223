import { describe, expect, it } from 'vitest';
import { destinationAddress, sourceAddress, toE164 } from './address.js';

describe('SMPP addresses (SMPP v3.4 §5.2.5, §5.2.6)', () => {
  it('sends E.164 numbers as TON 1 NPI 1 without the +', () => {
    expect(destinationAddress('+254712345678')).toEqual({ ton: 1, npi: 1, addr: '254712345678' });
    expect(sourceAddress('+254711000111')).toEqual({ ton: 1, npi: 1, addr: '254711000111' });
  });

  it('sends a short code as network specific and a name as alphanumeric (TON 5 NPI 0)', () => {
    expect(sourceAddress('20880')).toEqual({ ton: 3, npi: 0, addr: '20880' });
    expect(sourceAddress('Shamba Coop')).toEqual({ ton: 5, npi: 0, addr: 'Shamba Coop' });
  });

  it('refuses what is not a number or a sender id', () => {
    expect(() => destinationAddress('0712345678')).toThrow(/not an E.164/);
    expect(() => destinationAddress('+2547123456789012')).toThrow(/not an E.164/);
    expect(() => sourceAddress('Shamba Cooperative')).toThrow(/1-11 letters/);
  });

  it('adds + to international numbers only', () => {
    expect(toE164({ ton: 1, addr: '254712345678' })).toBe('+254712345678');
    expect(toE164({ ton: 1, addr: '+254712345678' })).toBe('+254712345678');
    expect(toE164({ ton: 2, addr: '0712345678' })).toBe('0712345678');
  });

  it('adds + to a TON 0 (unknown) sender of 10-15 digits without a trunk 0', () => {
    expect(toE164({ ton: 0, addr: '254712345678' })).toBe('+254712345678');
    expect(toE164({ ton: 0, addr: '5511987654321' })).toBe('+5511987654321');
    // A national number: the country is the SMSC's, unknown here, so it stays as sent.
    expect(toE164({ ton: 0, addr: '0712345678' })).toBe('0712345678');
    // Too short for an international number (a short code), too long for E.164, not digits.
    expect(toE164({ ton: 0, addr: '20880' })).toBe('20880');
    expect(toE164({ ton: 0, addr: '2547123456789012' })).toBe('2547123456789012');
    expect(toE164({ ton: 0, addr: 'Safaricom' })).toBe('Safaricom');
    // Only TON 0 is guessed at: a network-specific (3) number stays as sent.
    expect(toE164({ ton: 3, addr: '254712345678' })).toBe('254712345678');
  });
});
