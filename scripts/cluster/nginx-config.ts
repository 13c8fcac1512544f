// Renders a variant of the root nginx.conf for other addresses: the upstream server lists, the
// listen addresses, the resolver, and the TLS lines (the certificate paths, OCSP stapling; every
// TLS line when the variant is plain HTTP) change; every routing rule stays as written there. The
// rendering refuses a source it does not recognise, so the two cannot drift apart silently.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/entry-points';

export const PRODUCTION_CONFIG = path.join(ROOT, 'nginx.conf');

export interface RenderOptions {
  /** The listen address ('127.0.0.1'). */
  host: string;
  /** HTTPS with `tls`, plain HTTP without. */
  port: number;
  /** Every upstream name of the source to its `host:port` list. */
  upstreams: Record<string, string[]>;
  /** Serve HTTPS on `port` with these files and redirect plain HTTP on `httpPort` to it; without, plain HTTP only. */
  tls?: { certFile: string; keyFile: string; httpPort: number };
  /** nginx knows `http2 on;` (>= 1.25.1); older ones take `listen ... ssl http2` (Debian 12's nginx is 1.22). */
  http2Directive?: boolean;
}

const UPSTREAM_BLOCK = /^([ \t]*)upstream[ \t]+(\w+)[ \t]*\{([^}]*)\}/gm;
const SERVER_LINE = /^([ \t]*)server[ \t]+(\S+)([^;]*);[ \t]*$/;
const RESOLVER_LINE = /^[ \t]*resolver[ \t][^;]*;[ \t]*\n/gm;
const TLS_LISTEN_LINE = /^([ \t]*)listen[ \t]+443[ \t]+ssl;[ \t]*\n/gm;
const PLAIN_LISTEN_LINE = /^([ \t]*)listen[ \t]+80;[ \t]*\n/gm;
const HTTP2_LINE = /^[ \t]*http2[ \t]+on;[ \t]*\n/gm;
const SSL_LINE = /^[ \t]*ssl_\w+[ \t][^;]*;[ \t]*\n/gm;
const STAPLING_LINE = /^[ \t]*ssl_stapling\w*[ \t][^;]*;[ \t]*\n/gm;
const CERTIFICATE_LINE = /^([ \t]*)ssl_certificate[ \t][^;]*;/gm;
const CERTIFICATE_KEY_LINE = /^([ \t]*)ssl_certificate_key[ \t][^;]*;/gm;
const REDIRECT_TARGET = /https:\/\/\$host\$request_uri/g;
const REDIRECT_LINE = /^[ \t]*if[ \t]*\(\$to_https_status[^\n]*\breturn 30[18] [^\n]*\n/gm;

/**
 * `text.replace(pattern, replacement)`, refusing a source where `pattern` does not occur `count`
 * times ('some': at least once).
 */
function replaceExactly(text: string, pattern: RegExp, count: number | 'some', replacement: string | ((match: string, indent: string) => string), what: string): string {
  const found = text.match(pattern)?.length ?? 0;
  if (count === 'some' ? found === 0 : found !== count) throw new Error(`nginx.conf: expected ${count} ${what}, found ${found}`);
  return text.replace(pattern, replacement as (match: string, ...groups: string[]) => string);
}

function renderUpstreams(source: string, upstreams: Record<string, string[]>): string {
  const seen = new Set<string>();
  const text = source.replace(UPSTREAM_BLOCK, (_block, indent: string, name: string, body: string) => {
    const addresses = upstreams[name];
    if (!addresses || addresses.length === 0) throw new Error(`nginx.conf: no servers given for upstream ${name}`);
    seen.add(name);
    const lines = body.split('\n');
    const servers = lines.map((line) => SERVER_LINE.exec(line)).filter((match) => match !== null);
    if (servers.length === 0) throw new Error(`nginx.conf: upstream ${name} has no server line`);
    // The first server's parameters apply to every generated one; `resolve` only matters for DNS names.
    const [, serverIndent, , rawParams = ''] = servers[0]!;
    const params = rawParams.split(/\s+/).filter((param) => param !== '' && param !== 'resolve');
    const rendered = addresses.map((address) => `${serverIndent}server ${[address, ...params].join(' ')};`);
    // The generated lines take the place of the first server line; the other server lines go.
    let placed = false;
    const body2 = lines.flatMap((line) => {
      if (!SERVER_LINE.test(line)) return [line];
      if (placed) return [];
      placed = true;
      return rendered;
    });
    return `${indent}upstream ${name} {${body2.join('\n')}}`;
  });
  const missing = Object.keys(upstreams).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`nginx.conf: no upstream named ${missing.join(', ')}`);
  return text;
}

/** `source` (the production nginx.conf) for other addresses. */
export function renderNginxConfig(source: string, { host, port, upstreams, tls, http2Directive = true }: RenderOptions): string {
  let text = renderUpstreams(source, upstreams);
  text = replaceExactly(text, RESOLVER_LINE, 1, '', 'resolver line');
  text = replaceExactly(text, HTTP2_LINE, 1, tls && http2Directive ? '$&' : '', '"http2 on;" line');
  if (!tls) {
    text = replaceExactly(text, TLS_LISTEN_LINE, 1, '', '"listen 443 ssl;" line');
    text = replaceExactly(text, PLAIN_LISTEN_LINE, 1, (_line, indent) => `${indent}listen ${host}:${port};\n`, '"listen 80;" line');
    text = replaceExactly(text, REDIRECT_LINE, 2, '', 'redirect lines (if ($to_https_status ...) return ...)');
    return replaceExactly(text, SSL_LINE, 'some', '', 'ssl_ lines');
  }
  const http2 = http2Directive ? '' : ' http2';
  text = replaceExactly(text, TLS_LISTEN_LINE, 1, (_line, indent) => `${indent}listen ${host}:${port} ssl${http2};\n`, '"listen 443 ssl;" line');
  text = replaceExactly(text, PLAIN_LISTEN_LINE, 1, (_line, indent) => `${indent}listen ${host}:${tls.httpPort};\n`, '"listen 80;" line');
  text = replaceExactly(text, CERTIFICATE_LINE, 1, (_line, indent) => `${indent}ssl_certificate ${quote(tls.certFile)};`, 'ssl_certificate line');
  text = replaceExactly(text, CERTIFICATE_KEY_LINE, 1, (_line, indent) => `${indent}ssl_certificate_key ${quote(tls.keyFile)};`, 'ssl_certificate_key line');
  // A local authority names no OCSP responder: stapling would only log a warning at every start.
  text = replaceExactly(text, STAPLING_LINE, 'some', '', 'ssl_stapling lines');
  const target = port === 443 ? '$&' : `https://$host:${port}$request_uri`;
  return replaceExactly(text, REDIRECT_TARGET, 1, target, 'redirect target (https://$host$request_uri)');
}

/** A path as one nginx argument, whatever it contains. */
const quote = (file: string): string => `"${file.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/** The loopback variant of the production file, for `npm run cluster` and the e2e tests. */
export function renderLoopbackConfig({ port, host = '127.0.0.1', v1, v2, tls, http2Directive }: Omit<RenderOptions, 'upstreams' | 'host'> & { host?: string; v1: string[]; v2: string[] }): string {
  const source = fs.readFileSync(PRODUCTION_CONFIG, 'utf8');
  const header = '# Generated from nginx.conf by scripts/cluster/nginx-config.ts; edit that file instead.\n';
  return header + renderNginxConfig(source, { host, port, tls, http2Directive, upstreams: { v1, v2, v2_realtime: v2 } });
}

/** Whether this nginx version (as `nginx -v` prints it) knows the `http2 on;` directive (1.25.1). */
export function knowsHttp2Directive(versionText: string): boolean {
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  if (!match) return true;
  const [major = 0, minor = 0, patch = 0] = match.slice(1).map(Number);
  return major > 1 || (major === 1 && (minor > 25 || (minor === 25 && patch >= 1)));
}

