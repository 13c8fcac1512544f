import tls from 'node:tls';

export interface Handshake {
  protocol: string | null;
  cipher: string;
  alpn: string | false;
  /** The certificate chain verified against the given authority, for the name asked. */
  authorized: boolean;
  /** An abbreviated handshake: the server took the offered session back. */
  reused: boolean;
  /** The session to offer next time (TLS 1.3 sends it after the handshake). */
  session?: Buffer;
}

/**
 * One TLS handshake with the edge, as a client with these settings would make it; resolves with
 * what was agreed, or rejects with the error (its `code` names the server's alert, e.g.
 * ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION when the server refused the protocol version).
 */
export function handshake(port: number, options: tls.ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
    socket.on('session', (ticket: Buffer) => (session = ticket));
    socket.once('secureConnect', () => {
      const agreed = {
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
        alpn: socket.alpnProtocol ?? false,
        authorized: socket.authorized,
        reused: socket.isSessionReused(),
      };
      socket.removeListener('error', reject);
      socket.on('error', () => undefined); // the handshake is what was asked; the rest does not matter
      socket.once('close', () => resolve({ ...agreed, session: session ?? socket.getSession() }));
      if (agreed.alpn === 'h2') return socket.destroy();
      // TLS 1.3 hands the session over in a message after the handshake: read until the server closes.
      socket.resume();
      socket.end('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    socket.once('error', reject);
  });
}
