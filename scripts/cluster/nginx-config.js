// Renders a variant of the root nginx.conf for other addresses: the upstream server lists, the
// listen address and the resolver change; every routing rule stays as written there. The
// rendering refuses a source it does not recognise, so the two cannot drift apart silently.
const fs = require('node:fs');
const path = require('node:path');

const PRODUCTION_CONFIG = path.resolve(__dirname, '../../nginx.conf');

const UPSTREAM_BLOCK = /^([ \t]*)upstream[ \t]+(\w+)[ \t]*\{([^}]*)\}/gm;
const SERVER_LINE = /^([ \t]*)server[ \t]+(\S+)([^;]*);[ \t]*$/;
const LISTEN_LINE = /^([ \t]*)listen[ \t]+[^;]+;/gm;
const RESOLVER_LINE = /^[ \t]*resolver[ \t][^;]*;[ \t]*\n/gm;

/**
 * @param {string} source the production nginx.conf
 * @param {{listen: string, upstreams: Record<string, string[]>}} options `listen` as nginx takes it
 *   ('127.0.0.1:8080'); `upstreams` maps every upstream name of the source to its `host:port` list.
 * @returns {string}
 */
function renderNginxConfig(source, { listen, upstreams }) {
  const seen = new Set();
  let text = source.replace(UPSTREAM_BLOCK, (_block, indent, name, body) => {
    const addresses = upstreams[name];
    if (!addresses || addresses.length === 0) throw new Error(`nginx.conf: no servers given for upstream ${name}`);
    seen.add(name);
    const lines = body.split('\n');
    const servers = lines.map((line) => SERVER_LINE.exec(line)).filter(Boolean);
    if (servers.length === 0) throw new Error(`nginx.conf: upstream ${name} has no server line`);
    // The first server's parameters apply to every generated one; `resolve` only matters for DNS names.
    const [, serverIndent, , rawParams] = servers[0];
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

  const listens = text.match(LISTEN_LINE) ?? [];
  if (listens.length !== 1) throw new Error(`nginx.conf: expected one listen directive, found ${listens.length}`);
  text = text.replace(LISTEN_LINE, (_line, indent) => `${indent}listen ${listen};`);
  return text.replace(RESOLVER_LINE, '');
}

/** The loopback variant of the production file, for `npm run cluster` and the e2e tests. */
function renderLoopbackConfig({ port, host = '127.0.0.1', v1, v2 }) {
  const source = fs.readFileSync(PRODUCTION_CONFIG, 'utf8');
  const header = '# Generated from nginx.conf by scripts/cluster/nginx-config.js; edit that file instead.\n';
  return header + renderNginxConfig(source, { listen: `${host}:${port}`, upstreams: { v1, v2, v2_realtime: v2 } });
}

module.exports = { renderNginxConfig, renderLoopbackConfig, PRODUCTION_CONFIG };
