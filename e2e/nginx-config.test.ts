import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ensureLocalAuthority, findNginx, nginxVersion, ROOT } from '../scripts/cluster/index';

import { renderNginxConfig, renderLoopbackConfig, knowsHttp2Directive, type RenderOptions } from '../scripts/cluster/nginx-config';

const production = fs.readFileSync(path.join(ROOT, 'nginx.conf'), 'utf8');
const upstreamServers = (config: string, name: string): string[] => {
  const block = new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(config)?.[1] ?? '';
  return [...block.matchAll(/^\s*server\s+([^;]+);/gm)].map((match) => match[1]!);
};
const directives = (config: string, name: string): string[] => [...config.matchAll(new RegExp(`^\\s*${name}\\s+([^;]*);`, 'gm'))].map((match) => match[1]!);

const upstreams = { v1: ['127.0.0.1:1001', '127.0.0.1:1002', '127.0.0.1:1003'], v2: ['127.0.0.1:2001'] };
const tls: NonNullable<RenderOptions['tls']> = { certFile: '/run/tls/local host.pem', keyFile: '/run/tls/local host.key', httpPort: 18080 };
const renderedTls = renderLoopbackConfig({ port: 18443, ...upstreams, tls, http2Directive: true });
const renderedTlsOldNginx = renderLoopbackConfig({ port: 18443, ...upstreams, tls, http2Directive: false });
const renderedPlain = renderLoopbackConfig({ port: 18080, ...upstreams });

describe('the loopback nginx.conf rendered from the production one', () => {
  it.each([
    ['with TLS', renderedTls],
    ['without TLS', renderedPlain],
  ])('%s: the local servers with the production parameters, minus DNS re-resolution', (_name, loopback) => {
    expect(upstreamServers(loopback, 'v1')).toEqual(['1001', '1002', '1003'].map((port) => `127.0.0.1:${port} max_fails=1 fail_timeout=5s`));
    expect(upstreamServers(loopback, 'v2')).toEqual(['127.0.0.1:2001 max_fails=1 fail_timeout=5s']);
    expect(upstreamServers(loopback, 'v2_realtime')).toEqual(['127.0.0.1:2001 max_fails=1 fail_timeout=5s']);
    expect(directives(loopback, 'resolver')).toEqual([]);
  });

  it('with TLS: HTTPS and the redirecting plain port on loopback, the given certificate, no OCSP stapling', () => {
    expect(directives(renderedTls, 'listen')).toEqual(['127.0.0.1:18443 ssl', '127.0.0.1:18080']);
    expect(directives(renderedTls, 'http2')).toEqual(['on']);
    expect(directives(renderedTls, 'ssl_certificate')).toEqual(['"/run/tls/local host.pem"']);
    expect(directives(renderedTls, 'ssl_certificate_key')).toEqual(['"/run/tls/local host.key"']);
    expect(directives(renderedTls, 'ssl_stapling')).toEqual([]);
    expect(renderedTls).toContain('"https://$host:18443$request_uri"');
    // nginx before 1.25.1 (Debian 12's 1.22) takes HTTP/2 as a listen parameter.
    expect(directives(renderedTlsOldNginx, 'listen')).toEqual(['127.0.0.1:18443 ssl http2', '127.0.0.1:18080']);
    expect(directives(renderedTlsOldNginx, 'http2')).toEqual([]);
  });

  it('without TLS: one plain listener, no TLS directive, no redirect', () => {
    expect(directives(renderedPlain, 'listen')).toEqual(['127.0.0.1:18080']);
    expect(renderedPlain).not.toMatch(/^\s*(ssl_\w+|http2) /m);
    expect(renderedPlain).not.toMatch(/return 30[18] /);
  });

  it('keeps every other line of the production file as it is', () => {
    const changed = /^\s*(server \S+:\d+ .*;|listen .*;|resolver .*;|ssl_(certificate|certificate_key|stapling) .*;|"~\^http:" .*)$/;
    const rest = (config: string) => config.split('\n').filter((line) => !changed.test(line) && !line.startsWith('# Generated'));
    expect(rest(renderedTls).join('\n').trim()).toBe(rest(production).join('\n').trim());
  });

  it('refuses a source it cannot map instead of rendering a half-changed file', () => {
    const base = { host: '127.0.0.1', port: 1, upstreams: { v1: ['a:1'], v2: ['b:1'], v2_realtime: ['b:1'] } };
    expect(() => renderNginxConfig(production, { ...base, upstreams: { v1: ['a:1'], v2: ['b:1'] } })).toThrow(/upstream v2_realtime/);
    expect(() => renderNginxConfig(production, { ...base, upstreams: { ...base.upstreams, v3: ['c:1'] } })).toThrow(/no upstream named v3/);
    expect(() => renderNginxConfig(production.replace(/listen 80;/, ''), base)).toThrow(/"listen 80;"/);
    expect(() => renderNginxConfig(production.replace(/listen 443 ssl;/, 'listen 443;'), { ...base, tls })).toThrow(/"listen 443 ssl;"/);
    expect(() => renderNginxConfig(production.replace(/ssl_certificate_key .*;/, ''), { ...base, tls })).toThrow(/ssl_certificate_key/);
  });

  it('knows which nginx takes "http2 on;"', () => {
    expect(['nginx version: nginx/1.22.1', 'nginx/1.25.0', 'nginx/1.25.1', 'nginx/1.28.0'].map(knowsHttp2Directive)).toEqual([false, false, true, true]);
  });

  it("both renderings are accepted by this machine's nginx (nginx -t)", () => {
    execFileSync(path.join(ROOT, 'scripts/install-system-deps.sh'), ['nginx', 'openssl'], { stdio: 'inherit' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-nginx-t-'));
    try {
      const nginx = findNginx();
      const authority = ensureLocalAuthority(path.join(dir, 'tls'));
      const http2Directive = knowsHttp2Directive(nginxVersion(nginx));
      for (const [name, config] of Object.entries({
        tls: renderLoopbackConfig({ port: 18443, ...upstreams, http2Directive, tls: { ...authority, httpPort: 18080 } }),
        plain: renderedPlain,
      })) {
        fs.writeFileSync(path.join(dir, `${name}.conf`), config);
        // nginx opens /dev/stdout (its access log) even to test: a file, not Jest's pipe.
        const stdout = fs.openSync(path.join(dir, 'stdout.log'), 'a');
        try {
          execFileSync(nginx, ['-t', '-q', '-p', `${dir}/`, '-c', path.join(dir, `${name}.conf`), '-e', 'stderr'], { stdio: ['ignore', stdout, 'pipe'] });
        } finally {
          fs.closeSync(stdout);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nginx.conf and docker-compose.yml agree', () => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; ports?: string[]; volumes?: (string | { target: string })[] }>;
  };

  it.each([
    ['v1', 'v1/dist/main.js'],
    ['v2', 'v2/dist/main-api.js'],
    ['v2_realtime', 'v2/dist/main-api.js'],
  ])('upstream %s names compose services running %s on the port they listen on', (upstream, program) => {
    const servers = upstreamServers(production, upstream).map((server) => server.split(' ')[0]!);
    expect(servers.length).toBeGreaterThanOrEqual(2);
    for (const server of servers) {
      const [host, port] = server.split(':');
      const service = compose.services[host!];
      expect({ server, command: service?.command?.at(-1), port: service?.environment?.PORT }).toEqual({ server, command: program, port });
    }
  });

  it('nginx publishes the ports it listens on, HTTPS and plain HTTP', () => {
    const listens = directives(production, 'listen').map((listen) => listen.split(' ')[0]);
    expect(listens).toEqual(['443', '80']);
    expect(compose.services.nginx?.ports?.map((mapping) => mapping.split(':').at(-1))).toEqual(listens);
  });

  it('nginx reads its certificate, its key and the ACME challenges where docker-compose mounts them', () => {
    // short syntax `source:target[:mode]`, whose source may hold a `${VAR:-default}`
    const targets = compose.services.nginx?.volumes?.map((volume) => (typeof volume === 'string' ? volume.replace(/\$\{[^}]*\}/, 'source').split(':')[1] : volume.target));
    expect(targets).toEqual([
      '/etc/nginx/nginx.conf',
      ...directives(production, 'ssl_certificate'),
      ...directives(production, 'ssl_certificate_key'),
      // nginx's prefix in the image is /etc/nginx/: `root acme` is this directory.
      ...directives(production, 'root').map((root) => `/etc/nginx/${root}`),
    ]);
  });
});
