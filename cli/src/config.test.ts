import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('configuration', () => {
  it('has defaults that work on a bare machine', () => {
    expect(loadConfig({}, {})).toEqual({
      dataDir: './data',
      mqttHost: '127.0.0.1',
      mqttPort: 1883,
      apiHost: '127.0.0.1',
      apiPort: 8787,
      analyticsIntervalMs: 5000,
      logLevel: 'info',
      smsPerDay: 3,
      store: 'sqlite',
      influxUrl: 'http://127.0.0.1:8086',
      influxDatabase: 'shamba',
    });
  });

  it('takes SHAMBA_* variables, and flags over them', () => {
    const config = loadConfig(
      { apiPort: '9000' },
      { SHAMBA_API_PORT: '9100', SHAMBA_MQTT_PORT: '1884', SHAMBA_WORKERS: '0' },
    );
    expect([config.apiPort, config.mqttPort, config.workers]).toEqual([9000, 1884, 0]);
  });

  it('takes the BeiDou terminal from SHAMBA_BEIDOU_TERMINAL as tcp://HOST:PORT only', () => {
    const at = (value: string) => loadConfig({}, { SHAMBA_BEIDOU_TERMINAL: value }).beidouTerminal;
    expect(at('tcp://192.168.1.40:4001')).toBe('tcp://192.168.1.40:4001');
    expect(at('tcp://nport.coop.lan:950')).toBe('tcp://nport.coop.lan:950');
    for (const bad of ['/dev/ttyUSB0', 'tcp://192.168.1.40', 'udp://192.168.1.40:4001'])
      expect(() => at(bad), bad).toThrow(/beidouTerminal/);
  });

  it('says which setting is wrong', () => {
    expect(() => loadConfig({}, { SHAMBA_MQTT_PORT: 'eighty' })).toThrow(/mqttPort/);
  });

  it('takes the scene host allow-list from SHAMBA_SCENE_HOSTS, or --scene-hosts over it', () => {
    expect(
      loadConfig({}, { SHAMBA_SCENE_HOSTS: ' Sentinel-COGS.s3.amazonaws.com, *.example.org ,' })
        .sceneHosts,
    ).toEqual(['sentinel-cogs.s3.amazonaws.com', '*.example.org']);
    expect(
      loadConfig({ sceneHosts: 'scenes.example.net' }, { SHAMBA_SCENE_HOSTS: 'other.example' })
        .sceneHosts,
    ).toEqual(['scenes.example.net']);
    for (const bad of ['http://scenes.example.net', 'scenes.example.net/path', 'a b', ',', 'x.*'])
      expect(() => loadConfig({}, { SHAMBA_SCENE_HOSTS: bad }), bad).toThrow(/sceneHosts/);
  });
});
