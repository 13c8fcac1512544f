// Loopback ports for the processes the tools start.
import net from 'node:net';

/** Free loopback TCP ports, found by binding port 0 (released just before use, so a child can bind them). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** One free loopback port. */
export const freePort = async (): Promise<number> => (await freePorts(1))[0]!;

/** Fails fast, before anything starts, when nothing could listen on host:port. */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${host}:${port} (${error.code}): choose another --port`)));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
