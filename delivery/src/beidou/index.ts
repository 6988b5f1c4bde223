// Advice by BeiDou short message, for farmers beyond the last mast (issue 16).
export { adviceFromPrescription, type AdviceInput } from './advice.js';
export { adviceSummary, composeBeidouNotice } from './compose-beidou-notice.js';
export {
  createBeidouGateway,
  type BeidouGatewayOptions,
  type BeidouSerial,
} from './beidou-gateway.js';
