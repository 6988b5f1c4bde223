// Helpers for tests and benchmarks only: never part of the production surface.
export { encodeGeoTiff, type GeoTiffImage, type GeoTiffLayout } from './tiff-writer.js';
export { serveFolder } from './range-server.js';
export { streamHugeArray, type StreamCount } from './huge-array.js';
export { serveDns, type DnsAnswer } from './dns-server.js';
