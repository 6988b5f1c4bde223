export {};
export { MAIZE_FIELD, OROMIA_COOP, irrigation, nitrogen } from './prescription-fixtures.js';
export {
  createFakeSmsc,
  type FakeSmsc,
  type SmscBind,
  type SmscInbound,
  type SmscReceipt,
  type SmscSubmit,
} from './smsc.js';
export {
  startSmsProvider,
  type CallbackAnswer,
  type ProviderFault,
  type ProviderRecipient,
  type RecordedSend,
  type SmsProvider,
} from './sms-provider.js';
