import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

/**
 * The bare Aedes peer of `pnpm bench ingest`: Aedes with its defaults on a loopback port, in a
 * process of its own like `shamba ingest`, so both brokers have a core apart from the load
 * generator. Prints its port, then serves until killed.
 */
const aedes = new Aedes();
await aedes.listen();
const server = createServer((socket) => aedes.handle(socket));
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => {
  aedes.close(() => server.close(() => process.exit(0)));
});
