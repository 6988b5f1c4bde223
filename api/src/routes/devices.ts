import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEVICE_KINDS, DeviceSchema, IdSchema } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { coopAccess } from '../auth/coop-access.js';
import { limitBody } from '../http/body.js';
import {
  COMMON_PROBLEMS,
  idParam,
  json,
  jsonBodyOf,
  openApiRoutes,
  problems,
} from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import {
  deviceOf,
  ownDevice,
  provisionDevice,
  rotateDeviceSecret,
  setDeviceDisabled,
  type Provisioned,
} from '../provisioning/devices.js';

/** Whoever can end a device's MQTT session at once (the running broker), when there is one. */
export interface DeviceSessions {
  /** Ends the device's session now; resolves whether or not it was connected. */
  disconnect(deviceId: string): Promise<unknown>;
}

/** A device is four ids: 1 KiB is ample. */
const MAX_BODY_BYTES = 1024;

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const DevicePath = CoopPath.extend({ deviceId: idParam('The device (its MQTT username).') });
const DeviceViewSchema = DeviceSchema.extend({
  disabledAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When it was disabled (refused at CONNECT); null: enabled.' }),
});
const OneDevice = z.object({ device: DeviceViewSchema });
const WithSecret = OneDevice.extend({
  credentials: z
    .object({ username: z.string(), password: z.string() })
    .meta({ description: 'MQTT CONNECT credentials: shown this once, stored nowhere.' }),
});
const DeviceInputSchema = z.object({
  id: IdSchema,
  kind: z.enum(DEVICE_KINDS),
  fieldId: IdSchema.nullable()
    .default(null)
    .meta({ description: "A field of the cooperative; null: the cooperative's (a station)." }),
  zoneId: IdSchema.nullable()
    .default(null)
    .meta({ description: 'A zone of that field; null: the whole field.' }),
});
const ListQuery = pageQuery({ defaultLimit: 100, maxLimit: 500 });
const TAGS = ['Devices'];
const TENANCY = "Another cooperative's device answers 404, exactly like one that does not exist.";
const NO_STORE = 'The response carries the secret: `Cache-Control: no-store`.';

const listDevices = createRoute({
  method: 'get',
  path: '/coops/{coopId}/devices',
  tags: TAGS,
  summary: "The cooperative's devices (staff and technicians), never their secrets",
  request: { params: CoopPath, query: ListQuery },
  responses: {
    200: {
      description: 'A page of devices, by id.',
      content: json(
        z.object({ coopId: z.string(), devices: z.array(DeviceViewSchema), next: NextSchema }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const getDevice = createRoute({
  method: 'get',
  path: '/coops/{coopId}/devices/{deviceId}',
  tags: TAGS,
  summary: 'One device (staff and technicians), never its secret',
  description: TENANCY,
  request: { params: DevicePath },
  responses: { 200: { description: 'The device.', content: json(OneDevice) }, ...COMMON_PROBLEMS },
});

const addDevice = createRoute({
  method: 'post',
  path: '/coops/{coopId}/devices',
  tags: TAGS,
  summary: 'Provision a device (manager, technician, admin): its secret shown once',
  description:
    'A new random secret (256 bits) is answered once and kept only as its SHA-256. Device ids ' +
    `are MQTT usernames, one namespace: a taken id answers 409. ${NO_STORE}`,
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: CoopPath, body: jsonBodyOf(DeviceInputSchema) },
  responses: {
    201: {
      description: 'Provisioned; `Location` names it.',
      headers: z.object({ location: z.string(), 'cache-control': z.literal('no-store') }),
      content: json(WithSecret),
    },
    ...COMMON_PROBLEMS,
    ...problems(409),
  },
});

const action = (path: string, summary: string, description: string) =>
  createRoute({
    method: 'post',
    path: `/coops/{coopId}/devices/{deviceId}/${path}`,
    tags: TAGS,
    summary,
    description: `${description} ${TENANCY}`,
    request: { params: DevicePath },
    responses: {
      200: { description: 'The device.', content: json(OneDevice) },
      ...COMMON_PROBLEMS,
    },
  });

const rotateSecret = createRoute({
  method: 'post',
  path: '/coops/{coopId}/devices/{deviceId}/secret',
  tags: TAGS,
  summary: "Rotate a device's secret (manager, technician, admin): the new one shown once",
  description:
    'The old secret is refused from now on, and a session it opened is ended at once. A ' +
    `disabled device stays disabled. ${NO_STORE} ${TENANCY}`,
  request: { params: DevicePath },
  responses: {
    200: {
      description: 'The device and its new credentials.',
      headers: z.object({ 'cache-control': z.literal('no-store') }),
      content: json(WithSecret),
    },
    ...COMMON_PROBLEMS,
  },
});

const disable = action(
  'disable',
  'Disable a device (manager, technician, admin)',
  'Its session is ended at once and every CONNECT refused (CONNACK 5) until it is enabled.',
);
const enable = action(
  'enable',
  'Enable a disabled device (manager, technician, admin)',
  'It may connect again with its secret.',
);

const READERS = ['admin', 'manager', 'agronomist', 'technician'] as const;
const PROVISIONERS = ['admin', 'manager', 'technician'] as const;

/**
 * A cooperative's devices: provisioned with a secret shown once, rotated, disabled and enabled.
 * Disabling or rotating ends the device's session at once through `sessions` (the broker, when
 * this process runs one); the broker refuses a disabled device or an old secret at CONNECT.
 */
export function deviceRoutes(deps: {
  registry: Registry;
  clock: () => number;
  sessions?: DeviceSessions | undefined;
}) {
  const { registry } = deps;
  const memberCoop = coopAccess(registry);
  const disconnect = (deviceId: string) => deps.sessions?.disconnect(deviceId);
  const withSecret = (c: Context<AppEnv>, provisioned: Provisioned) => {
    c.header('cache-control', 'no-store');
    return {
      device: deviceOf({ ...provisioned.device, disabledMs: provisioned.disabledMs }),
      credentials: { username: provisioned.username, password: provisioned.password },
    };
  };
  return openApiRoutes<AppEnv>()
    .openapi(listDevices, async (c) => {
      const coop = await memberCoop(c.get('principal'), c.req.valid('param').coopId, READERS);
      const devices = await registry.devices.list({ coopId: coop.id });
      const page = pageOf(devices, (device) => [device.id], c.req.valid('query'));
      return c.json({ coopId: coop.id, devices: page.items.map(deviceOf), next: page.next }, 200);
    })
    .openapi(getDevice, async (c) => {
      const { coopId, deviceId } = c.req.valid('param');
      const coop = await memberCoop(c.get('principal'), coopId, READERS);
      return c.json({ device: deviceOf(await ownDevice(registry, coop.id, deviceId)) }, 200);
    })
    .openapi(addDevice, async (c) => {
      const coop = await memberCoop(c.get('principal'), c.req.valid('param').coopId, PROVISIONERS);
      const provisioned = await provisionDevice(registry, coop.id, c.req.valid('json'));
      c.header('location', `/v1/coops/${coop.id}/devices/${provisioned.device.id}`);
      return c.json(withSecret(c, provisioned), 201);
    })
    .openapi(rotateSecret, async (c) => {
      const { coopId, deviceId } = c.req.valid('param');
      const coop = await memberCoop(c.get('principal'), coopId, PROVISIONERS);
      const provisioned = await rotateDeviceSecret(registry, coop.id, deviceId);
      // A session opened with the old secret must not outlive it.
      await disconnect(deviceId);
      return c.json(withSecret(c, provisioned), 200);
    })
    .openapi(disable, async (c) => {
      const { coopId, deviceId } = c.req.valid('param');
      const coop = await memberCoop(c.get('principal'), coopId, PROVISIONERS);
      const device = await setDeviceDisabled(registry, { coopId: coop.id, deviceId }, deps.clock());
      // Stored first: the device's reconnect, however quick, meets the disabled record.
      await disconnect(deviceId);
      return c.json({ device: deviceOf(device) }, 200);
    })
    .openapi(enable, async (c) => {
      const { coopId, deviceId } = c.req.valid('param');
      const coop = await memberCoop(c.get('principal'), coopId, PROVISIONERS);
      const device = await setDeviceDisabled(registry, { coopId: coop.id, deviceId }, null);
      return c.json({ device: deviceOf(device) }, 200);
    });
}
