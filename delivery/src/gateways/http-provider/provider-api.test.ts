import { describe, expect, it } from 'vitest';
import { recipientFor, recipientOutcome, sendForm, type SendResponse } from './provider-api.js';

const recipient = (statusCode: number, status: string) => ({
  statusCode,
  status,
  messageId: statusCode < 200 ? 'ATXid_9f' : 'None',
  cost: statusCode < 200 ? 'KES 0.8000' : '0',
  number: '+254711000000',
});

describe('recipientOutcome', () => {
  it.each([100, 101, 102])(
    'takes status %i as accepted, one part when messageParts is absent',
    (code) => {
      expect(recipientOutcome(recipient(code, 'Success'))).toEqual({
        kind: 'accepted',
        gatewayMessageId: 'ATXid_9f',
        segments: 1,
        cost: 'KES 0.8000',
      });
    },
  );

  it('takes the parts from messageParts', () => {
    const outcome = recipientOutcome({ ...recipient(101, 'Success'), messageParts: 3 });
    expect(outcome).toMatchObject({ kind: 'accepted', segments: 3 });
  });

  // AT SMS docs, statusCode table: 4xx refuse the recipient (405 passes once topped up), 5xx fail upstream.
  it.each([
    [401, 'RiskHold', false],
    [402, 'InvalidSenderId', false],
    [403, 'InvalidPhoneNumber', false],
    [404, 'UnsupportedNumberType', false],
    [405, 'InsufficientBalance', true],
    [406, 'UserInBlacklist', false],
    [407, 'CouldNotRoute', false],
    [409, 'DoNotDisturbRejection', false],
    [500, 'InternalServerError', true],
    [501, 'GatewayError', true],
    [502, 'RejectedByGateway', true],
  ])('refuses status %i (%s), retryable %s', (code, status, retryable) => {
    expect(recipientOutcome(recipient(code, status))).toEqual({
      kind: 'refused',
      retryable,
      reason: `${status} (${code})`,
    });
  });

  it('names a status the provider left blank from the table', () => {
    expect(recipientOutcome(recipient(407, ''))).toMatchObject({ reason: 'CouldNotRoute (407)' });
  });
});

describe('recipientFor and sendForm', () => {
  it('finds the recipient for the number, with or without its +', () => {
    const response: SendResponse = {
      SMSMessageData: {
        Message: 'Sent to 1/2',
        Recipients: [
          { ...recipient(403, 'InvalidPhoneNumber'), number: '254700000001' },
          recipient(101, 'Success'),
        ],
      },
    };
    expect(recipientFor(response, '+254711000000')?.statusCode).toBe(101);
    expect(recipientFor(response, '+254700000001')?.statusCode).toBe(403);
    expect(recipientFor(response, '+255000000000')).toBeUndefined();
  });

  it('encodes the form fields, `from` only when given', () => {
    const form = { username: 'coop', to: '+254711000000', message: 'Maji 25 mm & mbolea' };
    expect(sendForm(form).toString()).toBe(
      'username=coop&to=%2B254711000000&message=Maji+25+mm+%26+mbolea',
    );
    expect(sendForm({ ...form, from: 'SHAMBA' }).get('from')).toBe('SHAMBA');
  });
});
