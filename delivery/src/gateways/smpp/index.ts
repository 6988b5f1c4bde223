export { createSmppGateway, type SmppGatewayOptions } from './smpp-gateway.js';
export { parseSmppUrl, SmppUrlError, type SmppEndpoint } from './url.js';
