export {};
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
