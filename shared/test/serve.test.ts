import net from 'node:net';
import { listen } from '@flashfast/shared';

/** A raw client whose connection the server upgraded (as Socket.io's WebSockets are) and holds open. */
async function upgradedConnection(server: net.Server, port: number): Promise<net.Socket> {
  const upgraded = new Promise((resolve) => server.once('upgrade', (_req, socket: net.Socket) => resolve(socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n'))));
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET /socket HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
  socket.resume(); // read whatever comes, so that the server's end of the connection is seen
  await upgraded;
  return socket;
}

describe('listen().close', () => {
  it('ends an upgraded connection still open after the grace period, also when Socket.io already closed the listener', async () => {
    const running = await listen((_req, res) => res.end(), 0, '127.0.0.1');
    const client = await upgradedConnection(running.server, running.port);
    const clientClosed = new Promise((resolve) => client.once('close', resolve));

    running.server.close(); // what Socket.io's io.close() does first
    await running.close(100);

    await clientClosed;
    expect(running.server.listening).toBe(false);
  });

  it('resolves at once when the server has already closed', async () => {
    const running = await listen((_req, res) => res.end(), 0, '127.0.0.1');
    await running.close(100);

    await expect(running.close(100)).resolves.toBeUndefined();
  });
});
