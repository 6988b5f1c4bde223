import type { Logger } from 'pino';
import type { Registry } from '@shamba/storage';
import { createDeviceAuthenticator } from './authenticate.js';
import { mayPublish } from './authorize-publish.js';
import { maySubscribe } from './authorize-subscribe.js';
import type { IngestHooks } from './ingest-hooks.js';

export interface DefaultHookOptions {
  registry: Registry;
  logger: Logger;
  clock: () => number;
}

/**
 * The hooks given, and the registry-backed default for each one left unset: devices prove
 * their registry secret, and publish and subscribe only under their own topics. Each default
 * denies what it does not know to be the device's own (STYLE.md: defaults deny).
 */
export function withDefaultHooks(
  given: Partial<IngestHooks> | undefined,
  options: DefaultHookOptions,
): IngestHooks {
  return {
    authenticate: given?.authenticate ?? createDeviceAuthenticator(options),
    authorizePublish: given?.authorizePublish ?? mayPublish,
    authorizeSubscribe: given?.authorizeSubscribe ?? maySubscribe,
  };
}
