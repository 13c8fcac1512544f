import { clientAddress } from './client-address';

const request = (peer: string, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress: peer },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('clientAddress (as Express computes req.ip with a hop count)', () => {
  it('with no trusted proxy, is the peer whatever X-Forwarded-For claims', () => {
    expect(clientAddress(request('10.0.0.1', '1.2.3.4') as never, 0)).toBe('10.0.0.1');
  });

  it('behind one proxy, is the entry that proxy added (the rightmost), not what the client forged before it', () => {
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 1.2.3.4') as never, 1)).toBe('1.2.3.4');
    expect(clientAddress(request('127.0.0.1', ['6.6.6.6', '1.2.3.4']) as never, 1)).toBe('1.2.3.4');
  });

  it('behind two proxies, is the second from the right; with fewer entries than hops, the leftmost', () => {
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 1.2.3.4, 10.0.0.2') as never, 2)).toBe('1.2.3.4');
    expect(clientAddress(request('127.0.0.1', '1.2.3.4') as never, 3)).toBe('1.2.3.4');
    expect(clientAddress(request('127.0.0.1') as never, 1)).toBe('127.0.0.1');
  });
});
