import net from 'node:net';
import { listen, type RunningServer } from '@flashfast/shared';

// Short deliberate timeouts, so that the test waits for outcomes, not for the defaults.
let server: RunningServer;

beforeAll(async () => {
  // Answers once the whole body has arrived, as the app's JSON parser does.
  server = await listen((req, res) => req.resume().on('end', () => res.end('ok')), 0, '127.0.0.1', {
    HTTP_HEADERS_TIMEOUT_MS: 1_000,
    HTTP_REQUEST_TIMEOUT_MS: 2_000,
    HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000,
  });
});
afterAll(() => server.close(100));

/** Writes `chunk`, then nothing more, and resolves with all the server sent before closing. */
function sendAndWait(chunk: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(chunk));
    let received = '';
    socket.on('data', (data) => (received += data.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('HTTP server timeouts', () => {
  it('closes a connection whose headers never finish with 408', async () => {
    expect(await sendAndWait('POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n')).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body trickles in slower than the request timeout allows with 408', async () => {
    const answer = await sendAndWait('POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
