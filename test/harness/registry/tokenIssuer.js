#!/usr/bin/env node
// @ts-check
// The token service of the token-auth registry (127.0.0.1:5002), as Docker Hub's and GHCR's:
// the registry answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, the
// client asks here (GET /token?service=S&scope=repository:NAME:pull,push, with Basic
// credentials or none) and gets an RS256 JWT that distribution's `auth: token` verifies
// against the self-signed certificate in its x5c header. No dependencies: it runs from the
// checkout without a build. Started by start-registry.sh: `node tokenIssuer.js issuer.json`.
//
// Who gets what (the rest of what a scope asks for is left out of the token, and the
// registry then answers 401 insufficient_scope, as Docker Hub does):
//   strata  every action on every repository, and the catalog
//   reader  pull on every repository
//   nobody  (no credentials) pull on repositories under public/
// Wrong credentials get 401 here. Lifetime: `ttl` seconds (issuer.json), or `shortTtl` for a
// token that names a repository under `shortPrefix` and grants no push (so fixtures can
// still be pushed there), or `?ttl=N` on the request. The registry allows 60 s of clock
// skew past exp, so a token meant to die within a minute carries an exp already past:
// its `expires_in` is the time it really works.
const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
const { Buffer } = require('buffer');
const { URL, URLSearchParams } = require('url');

const LEEWAY = 60; // distribution's registry/auth/token Leeway, in seconds

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const signingKey = fs.readFileSync(config.signingKey, 'utf8');
const signingDer = new crypto.X509Certificate(fs.readFileSync(config.signingCert)).raw.toString('base64');

/** @param {string} text */
const log = (text) => console.log(`${new Date().toISOString()} ${text}`);
/** @param {Buffer | string} b */
const base64url = (b) => Buffer.from(b).toString('base64url');

/** "repository:NAME:pull,push" (NAME may hold no colon; the type may carry a class: "repository(plugin)"). */
function parseScope(/** @type {string} */ text) {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first < 0 || last === first) {
    return undefined;
  }
  const type = text.slice(0, first).replace(/\(.*\)$/, '');
  return { type, name: text.slice(first + 1, last), actions: text.slice(last + 1).split(',').filter(Boolean) };
}

/** The actions `user` may have of those asked (undefined user: anonymous). */
function granted(/** @type {string | undefined} */ user, /** @type {{type: string, name: string, actions: string[]}} */ scope) {
  if (scope.type === 'registry') {
    return user === 'strata' && scope.name === 'catalog' ? scope.actions.filter((a) => a === '*') : [];
  }
  if (scope.type !== 'repository') {
    return [];
  }
  if (user === 'strata') {
    return scope.actions.filter((a) => ['pull', 'push', 'delete', '*'].includes(a));
  }
  if (user === 'reader' || (user === undefined && scope.name.startsWith(config.publicPrefix))) {
    return scope.actions.filter((a) => a === 'pull');
  }
  return [];
}

/** Basic credentials → the user's name; undefined when none were sent; null when they are wrong. */
function authenticate(/** @type {string | undefined} */ username, /** @type {string | undefined} */ password) {
  if (username === undefined) {
    return undefined;
  }
  const expected = config.users[username];
  const ok =
    typeof expected === 'string' &&
    typeof password === 'string' &&
    expected.length === password.length &&
    crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(password));
  return ok ? username : null;
}

function sign(/** @type {object} */ claims) {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [signingDer] };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.createSign('RSA-SHA256').update(unsigned).sign(signingKey);
  return `${unsigned}.${base64url(signature)}`;
}

/**
 * The answer to one token request, or an error status with its body.
 * @param {{ user: string | undefined | null, service: string | null, scopes: string[], ttl: string | null }} asked
 */
function issue(asked) {
  if (asked.user === null) {
    return { status: 401, body: { details: 'incorrect username or password' } };
  }
  if (asked.service !== config.service) {
    return { status: 400, body: { details: `unknown service "${asked.service ?? ''}": this issuer serves "${config.service}"` } };
  }
  const access = [];
  for (const text of asked.scopes.flatMap((s) => s.split(' ')).filter(Boolean)) {
    const scope = parseScope(text);
    if (!scope) {
      return { status: 400, body: { details: `malformed scope "${text}"` } };
    }
    const actions = granted(asked.user, scope);
    // Clients ask for one repository twice (docker: the push target and a mount source); one entry each.
    const same = access.find((a) => a.type === scope.type && a.name === scope.name);
    if (same) {
      same.actions = [...new Set([...same.actions, ...actions])];
    } else if (actions.length > 0) {
      access.push({ type: scope.type, name: scope.name, actions });
    }
  }
  const pushes = access.some((a) => a.actions.includes('push') || a.actions.includes('*'));
  const short = !pushes && access.some((a) => a.name.startsWith(config.shortPrefix));
  const lifetime = asked.ttl !== null && /^\d+$/.test(asked.ttl) ? Number(asked.ttl) : short ? config.shortTtl : config.ttl;
  const now = Math.floor(Date.now() / 1000);
  // Under a minute the registry's leeway would keep it alive: backdate exp so that it dies on time.
  const exp = lifetime < LEEWAY ? now + lifetime - LEEWAY : now + lifetime;
  const token = sign({
    iss: config.issuer,
    sub: asked.user ?? '',
    aud: config.service,
    exp,
    nbf: now - 1,
    iat: now,
    jti: crypto.randomBytes(12).toString('hex'),
    access,
  });
  log(`${asked.user ?? '(anonymous)'} ${JSON.stringify(access)} for ${lifetime} s`);
  return {
    status: 200,
    body: { token, access_token: token, expires_in: lifetime, issued_at: new Date(now * 1000).toISOString() },
  };
}

function send(/** @type {import('http').ServerResponse} */ res, /** @type {number} */ status, /** @type {object} */ body) {
  const headers = { 'Content-Type': 'application/json' };
  if (status === 401) {
    Object.assign(headers, { 'WWW-Authenticate': `Basic realm="${config.issuer}"` });
  }
  res.writeHead(status, headers).end(JSON.stringify(body));
}

const server = https.createServer({ cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) }, (req, res) => {
  const url = new URL(req.url ?? '/', 'https://issuer');
  if (url.pathname !== '/token') {
    send(res, 404, { details: 'not found: ask GET /token' });
    return;
  }
  if (req.method === 'GET') {
    // Basic credentials, as the docker engine, containerd and skopeo send them.
    let user;
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      user = authenticate(colon < 0 ? decoded : decoded.slice(0, colon), colon < 0 ? '' : decoded.slice(colon + 1));
    }
    const answer = issue({ user, service: url.searchParams.get('service'), scopes: url.searchParams.getAll('scope'), ttl: url.searchParams.get('ttl') });
    send(res, answer.status, answer.body);
    return;
  }
  if (req.method === 'POST') {
    // OAuth2's password grant, which containerd tries before GET (Docker Hub serves both).
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'password') {
        send(res, 400, { error: 'unsupported_grant_type', details: 'only grant_type=password is served' });
        return;
      }
      const user = form.has('username') ? authenticate(form.get('username') ?? '', form.get('password') ?? '') : undefined;
      const answer = issue({ user, service: form.get('service'), scopes: form.getAll('scope'), ttl: url.searchParams.get('ttl') });
      send(res, answer.status, answer.status === 200 ? { ...answer.body, scope: form.getAll('scope').join(' ') } : answer.body);
    });
    return;
  }
  send(res, 405, { details: `${req.method} is not served` });
});

server.listen(config.port, config.host, () => log(`issuing tokens for ${config.service} on https://${config.host}:${config.port}/token`));
