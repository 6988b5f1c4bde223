import { ShambaError } from '@shamba/schemas';
import { describe, expect, it } from 'vitest';
import {
  handleDeliveryReport,
  handleInboundMessage,
  MAX_INBOUND_TEXT_LENGTH,
} from './callbacks.js';

const NOW = Date.UTC(2026, 11, 3, 9, 30);
const clock = () => NOW;

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ShambaError && error.code === 'INVALID_REQUEST') return error.message;
    throw error;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('handleDeliveryReport', () => {
  // AT "Delivery reports": Success is delivered; Failed and Rejected are final failures.
  it.each([
    ['Success', { gatewayMessageId: 'ATXid_a1', state: 'delivered', at: new Date(NOW) }],
    [
      'Failed',
      { gatewayMessageId: 'ATXid_a1', state: 'failed', at: new Date(NOW), detail: 'Failed' },
    ],
    [
      'Rejected',
      { gatewayMessageId: 'ATXid_a1', state: 'failed', at: new Date(NOW), detail: 'Rejected' },
    ],
  ])('maps %s to a receipt', (status, receipt) => {
    const form = new URLSearchParams({ id: 'ATXid_a1', status, phoneNumber: '+251911223344' });
    expect(handleDeliveryReport(form, clock)).toEqual(receipt);
  });

  it.each(['Sent', 'Submitted', 'Buffered'])(
    'makes no receipt for %s (still on its way)',
    (status) => {
      expect(handleDeliveryReport({ id: 'ATXid_a1', status, retryCount: '2' }, clock)).toBeNull();
    },
  );

  it('carries the failure reason and accepts a plain record with every AT field', () => {
    const receipt = handleDeliveryReport(
      {
        id: 'ATXid_b2',
        status: 'Rejected',
        phoneNumber: '+254711000000',
        networkCode: '63902',
        failureReason: 'UserInBlackList',
        retryCount: '0',
      },
      clock,
    );
    expect(receipt).toEqual({
      gatewayMessageId: 'ATXid_b2',
      state: 'failed',
      at: new Date(NOW),
      detail: 'Rejected: UserInBlackList',
    });
  });

  it.each([
    [{ status: 'Success' }, 'id'],
    [{ id: '', status: 'Success' }, 'id'],
    [{ id: 'ATXid_1', status: 'Delivered' }, 'status'],
    [{ id: 'ATXid_1', status: 'Success', retryCount: 'twice' }, 'retryCount'],
    [{ id: 'x'.repeat(101), status: 'Success' }, 'id'],
  ])('refuses %j, naming %s', (form, field) => {
    const message = invalid(() => handleDeliveryReport(form, clock));
    expect(message).toMatch(/^malformed delivery report callback: /);
    expect(message).toContain(field);
  });
});

describe('handleInboundMessage', () => {
  it('adds the + to a number the provider sends without it, and reads a zoned ISO date', () => {
    const sms = handleInboundMessage(
      { from: '251 911-223344', to: '22384', text: 'rain 12', date: '2026-12-03T08:00:00+03:00' },
      clock,
    );
    expect(sms).toEqual({
      from: '+251911223344',
      to: '22384',
      text: 'rain 12',
      receivedAt: new Date('2026-12-03T05:00:00Z'),
    });
  });

  it('stamps the arrival time when the date is missing or unreadable', () => {
    for (const date of [undefined, 'yesterday']) {
      const form = { from: '+251911223344', to: '22384', text: 'HELP', id: 'in-1' };
      const sms = handleInboundMessage(date === undefined ? form : { ...form, date }, clock);
      expect(sms).toEqual({
        from: '+251911223344',
        to: '22384',
        text: 'HELP',
        receivedAt: new Date(NOW),
        providerMessageId: 'in-1',
      });
    }
  });

  it.each([
    [{ to: '22384', text: 'HELP' }, 'from'],
    [{ from: '+2519', to: '22384', text: 'HELP' }, 'from'],
    [{ from: '+251911223344', to: '', text: 'HELP' }, 'to'],
    [{ from: '+251911223344', to: '22384' }, 'text'],
    [{ from: '+251911223344', to: '22384', text: 'x'.repeat(MAX_INBOUND_TEXT_LENGTH + 1) }, 'text'],
  ])('refuses %j, naming %s', (form, field) => {
    const message = invalid(() => handleInboundMessage(form, clock));
    expect(message).toMatch(/^malformed inbound message callback: /);
    expect(message).toContain(field);
  });
});
