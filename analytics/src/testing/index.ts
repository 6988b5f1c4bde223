export { serveFolder } from './range-server.js';
export { streamHugeArray, type StreamCount } from './huge-array.js';
export { serveDns, type DnsAnswer } from './dns-server.js';
