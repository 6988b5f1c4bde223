// @shamba/delivery: what reaches the farmer. SMS (counting, languages, gateways), BeiDou short
// messages to farmers, and the replies that come back.
export {};
export * from './sms/index.js';
export * from './gateways/smpp/index.js';
export * from './gateways/http-provider/index.js';
export {
  DEFAULT_QUIET_HOURS,
  farmerContact,
  withContactDefaults,
  type FarmerContact,
} from './farmers/contact.js';
export {
  changedFarmer,
  checkFarmer,
  newFarmer,
  type RecordedBy,
} from './farmers/farmer-changes.js';
export { farmerFields } from './farmers/farmer-fields.js';
export {
  createDeliveryService,
  type DeliveryOptions,
  type DeliveryService,
} from './delivery-service.js';
export { deliveryStatus, type DeliveryStatus } from './outbox/delivery-status.js';
export { DELIVERY_STATUSES } from './outbox/delivery-status.js';
export { startOfLocalMonth } from './outbox/quiet-hours.js';
export { DEFAULT_LIMITS, type DispatcherLimits, type DispatchRun } from './outbox/dispatcher.js';
export type {
  DeliveryReceipt,
  InboundSms,
  OutgoingSms,
  SmsGateway,
  SubmitResult,
} from './gateways/sms-gateway.js';
export { SmsSendError } from './gateways/sms-gateway.js';
export * from './replies/index.js';
export * from './messages/index.js';
export { openSmsGateway, type OpenedGateway } from './gateways/open-gateway.js';
export * from './beidou/index.js';
export { openTcpSerial, type TcpSerial, type TcpSerialOptions } from './beidou/tcp-serial.js';
export * from './prescription-files/index.js';
export * from './coop-export/index.js';
