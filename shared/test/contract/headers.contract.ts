import { useContractApi } from './harness';
import type { ContractTarget } from './target';

/** What every answer carries (shared/src/http/security-headers.ts), success or error. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

export function describeHeadersContract(target: ContractTarget): void {
  describe(`${target.name} contract: security headers`, () => {
    const api = useContractApi(target);

    it('every answer, a success, a refusal or an unknown path, carries the security headers and names no framework', async () => {
      const answers = [
        await api.call('get', '/products'),
        await api.call('post', '/products', api.customer).send({ name: 'x', price: 1, stock: 1 }),
        await api.call('get', '/flashsale-events/not-a-uuid'),
        await api.raw('get', '/no/such/path'),
      ];

      expect(answers.map((answer) => answer.status)).toEqual([200, 403, 400, 404]);
      for (const answer of answers) {
        expect(answer.headers).toMatchObject(SECURITY_HEADERS);
        expect(answer.headers['x-powered-by']).toBeUndefined();
      }
    });
  });
}
