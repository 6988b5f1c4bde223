import type { Logger } from 'pino';
import { ShambaError } from '@shamba/schemas';
import {
  createHttpSmsGateway,
  parseHttpGatewayUrl,
  type HttpSmsGateway,
} from './http-provider/index.js';
import type { SmsGateway } from './sms-gateway.js';
import { createSmppGateway } from './smpp/index.js';

/** An SMS gateway opened from configuration; `callbacks` when the provider calls back over HTTP. */
export interface OpenedGateway {
  gateway: SmsGateway;
  /** The HTTP provider's delivery-report and inbound callbacks (none for SMPP: it uses the link). */
  callbacks?: Pick<HttpSmsGateway, 'acceptDeliveryReport' | 'acceptInbound'>;
}

/**
 * The gateway a URL names: `smpp://` or `smpps://` an operator's SMSC, `http://` or `https://`
 * an HTTP provider. The credentials in the URL are never logged.
 */
export async function openSmsGateway(options: {
  url: string;
  /** The sender the farmer sees (default: `Shamba` over SMPP, the account's with HTTP). */
  sender?: string;
  logger: Logger;
  clock?: () => number;
}): Promise<OpenedGateway> {
  const { url, logger } = options;
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'smpp' || scheme === 'smpps') {
    const gateway = await createSmppGateway({
      url,
      logger: logger.child({ component: 'smpp' }),
      sourceAddr: options.sender ?? 'Shamba',
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    return { gateway };
  }
  if (scheme === 'http' || scheme === 'https') {
    const settings = parseHttpGatewayUrl(url);
    const gateway = createHttpSmsGateway({
      ...settings,
      senderId: settings.senderId ?? options.sender,
      logger: logger.child({ component: 'sms-http' }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    return { gateway, callbacks: gateway };
  }
  throw new ShambaError(
    'INVALID_CONFIG',
    'SHAMBA_SMS_GATEWAY: expected smpp://, smpps://, http:// or https://',
  );
}
