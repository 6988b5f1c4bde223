// SMS text: counting, splitting and encoding (3GPP TS 23.038 §6.2.1, TS 23.040 §9.2.3.24.1).
export { countSms, splitSms, type SmsCount, type SmsEncoding } from './sms-count.js';
export { decodeGsm7, encodeGsm7 } from './gsm7-alphabet.js';
export { decodeUcs2, encodeUcs2 } from './ucs2.js';
