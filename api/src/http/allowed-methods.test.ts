import { describe, expect, it } from 'vitest';
import { allowedMethodsFor } from './allowed-methods.js';

describe('allowedMethodsFor', () => {
  const allowed = allowedMethodsFor([
    { method: 'ALL', path: '/v1/*' },
    { method: 'GET', path: '/v1/coops/:coopId/farmers' },
    { method: 'POST', path: '/v1/coops/:coopId/farmers' },
    { method: 'PATCH', path: '/v1/coops/:coopId/farmers/:farmerId' },
    { method: 'GET', path: '/v1/fields/:fieldId/ndvi/:sceneId{.+\\.png}' },
  ]);

  it('lists the methods of every route the path matches, with HEAD for GET', () => {
    expect(allowed('/v1/coops/c1/farmers')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowed('/v1/coops/c1/farmers/')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowed('/v1/coops/c1/farmers/f-9')).toEqual(['PATCH']);
    expect(allowed('/v1/fields/f1/ndvi/s1.png')).toEqual(['GET', 'HEAD']);
  });

  it('lists nothing for a path no route has, whatever the middleware', () => {
    expect(allowed('/v1/coops/c1/farmers/f-9/extra')).toEqual([]);
    expect(allowed('/v1/fields/f1/ndvi/s1')).toEqual([]);
    expect(allowed('/v2/anything')).toEqual([]);
  });
});
