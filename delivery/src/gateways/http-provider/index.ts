export {
  createHttpSmsGateway,
  DEFAULT_TIMEOUT_MS,
  type HttpSmsGateway,
  type HttpSmsGatewayOptions,
  type HttpSubmitResult,
} from './http-sms-gateway.js';
export {
  handleDeliveryReport,
  handleInboundMessage,
  MAX_INBOUND_TEXT_LENGTH,
  type CallbackForm,
  type ProviderInboundSms,
} from './callbacks.js';
export { parseHttpGatewayUrl, type HttpGatewaySettings } from './gateway-url.js';
