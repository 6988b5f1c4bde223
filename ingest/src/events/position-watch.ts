import type { Logger } from 'pino';
import { eventTopic, type StoredReading } from '@shamba/schemas';
import type { DeviceRecord, Registry } from '@shamba/storage';
import { checkPosition } from './device-moved.js';

export interface PositionWatchOptions {
  registry: Registry;
  logger: Logger;
  /** The broker's own publish, for the `device.moved` event. */
  publishEvent: (topic: string, payload: Buffer) => void;
}

/**
 * Raises `device.moved` (a warning and an event on the cooperative's event topic) when a
 * device's newest GNSS fix puts it away from its field: once per departure, again only after a
 * fix back on the field.
 */
export function createPositionWatch(options: PositionWatchOptions) {
  const { registry, logger } = options;
  // Devices known to be away from their field.
  const away = new Set<string>();
  return async function checkMoved(
    source: DeviceRecord,
    readings: readonly StoredReading[],
  ): Promise<void> {
    const fix = readings.filter((r) => r.stream === 'gnss').at(-1);
    if (fix === undefined || source.fieldId === null) return;
    const field = await registry.fields.get(source.fieldId);
    if (field === undefined) return;
    const moved = checkPosition(fix, field);
    if (moved === undefined) {
      away.delete(source.id);
      return;
    }
    if (away.has(source.id)) return;
    away.add(source.id);
    logger.warn(moved, 'device moved away from its field');
    options.publishEvent(
      eventTopic(source.coopId, 'device.moved'),
      Buffer.from(JSON.stringify(moved)),
    );
  };
}
