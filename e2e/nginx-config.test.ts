import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../scripts/cluster/index';

// scripts/cluster/nginx-config.js is plain JavaScript without types of its own.
const { renderNginxConfig, renderLoopbackConfig } = require('../scripts/cluster/nginx-config') as {
  renderNginxConfig(source: string, options: { listen: string; upstreams: Record<string, string[]> }): string;
  renderLoopbackConfig(options: { port: number; host?: string; v1: string[]; v2: string[] }): string;
};

const production = fs.readFileSync(path.join(ROOT, 'nginx.conf'), 'utf8');
const upstreamServers = (config: string, name: string): string[] => {
  const block = new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(config)?.[1] ?? '';
  return [...block.matchAll(/^\s*server\s+([^;]+);/gm)].map((match) => match[1]!);
};

describe('the loopback nginx.conf rendered from the production one', () => {
  const loopback = renderLoopbackConfig({ port: 18080, v1: ['127.0.0.1:1001', '127.0.0.1:1002', '127.0.0.1:1003'], v2: ['127.0.0.1:2001'] });

  it('has the local servers with the production parameters, minus DNS re-resolution', () => {
    expect(upstreamServers(loopback, 'v1')).toEqual(['1001', '1002', '1003'].map((port) => `127.0.0.1:${port} max_fails=1 fail_timeout=5s`));
    expect(upstreamServers(loopback, 'v2')).toEqual(['127.0.0.1:2001 max_fails=1 fail_timeout=5s']);
    expect(upstreamServers(loopback, 'v2_realtime')).toEqual(['127.0.0.1:2001 max_fails=1 fail_timeout=5s']);
    expect(loopback).toMatch(/^\s*listen 127\.0\.0\.1:18080;$/m);
    expect(loopback).not.toMatch(/^\s*resolver /m);
  });

  it('keeps every other line of the production file as it is', () => {
    const changed = /^\s*(server \S+:\d+ .*;|listen .*;|resolver .*;)$/;
    const rest = (config: string) => config.split('\n').filter((line) => !changed.test(line) && !line.startsWith('# Generated'));
    expect(rest(loopback).join('\n').trim()).toBe(rest(production).join('\n').trim());
  });

  it('refuses a source it cannot map instead of rendering a half-changed file', () => {
    expect(() => renderNginxConfig(production, { listen: '1', upstreams: { v1: ['a:1'], v2: ['b:1'] } })).toThrow(/upstream v2_realtime/);
    expect(() => renderNginxConfig(production, { listen: '1', upstreams: { v1: ['a:1'], v2: ['b:1'], v2_realtime: ['b:1'], v3: ['c:1'] } })).toThrow(/no upstream named v3/);
    expect(() => renderNginxConfig(production.replace(/listen 8080;/, ''), { listen: '1', upstreams: { v1: ['a:1'], v2: ['b:1'], v2_realtime: ['b:1'] } })).toThrow(/one listen/);
  });
});

describe('nginx.conf and docker-compose.yml agree', () => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; ports?: string[] }>;
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

  it('nginx publishes the port it listens on', () => {
    const listen = /^\s*listen (\d+);$/m.exec(production)?.[1];
    expect(compose.services.nginx?.ports?.map((mapping) => mapping.split(':').at(-1))).toEqual([listen]);
  });
});
