import type { Duplex } from 'node:stream';
import type { Client } from 'aedes';
import type { DeviceRecord } from '@shamba/storage';

/**
 * What the broker knows of each connection: the peer's address, from the transport before
 * CONNECT, and the device once it authenticated. Keyed weakly, by the Aedes client and by its
 * stream (`client.conn`, what a transport reports an oversize packet on), so nothing outlives
 * the connection.
 */
export function createConnections() {
  const devices = new WeakMap<Client, DeviceRecord>();
  const clients = new WeakMap<object, Client>();
  const addresses = new WeakMap<object, string>();
  return {
    accepted(stream: Duplex, address: string): void {
      addresses.set(stream, address);
    },
    authenticated(client: Client, device: DeviceRecord): void {
      devices.set(client, device);
      clients.set(client.conn, client);
    },
    deviceOf: (client: Client): DeviceRecord | undefined => devices.get(client),
    /** The device authenticated on a transport's stream, if any. */
    deviceOnStream(stream: object): DeviceRecord | undefined {
      const client = clients.get(stream);
      return client === undefined ? undefined : devices.get(client);
    },
    /** Undefined for a stream no transport accepted (a test's duplex pair). */
    addressOf: (client: Client): string | undefined => addresses.get(client.conn),
  };
}

export type Connections = ReturnType<typeof createConnections>;
