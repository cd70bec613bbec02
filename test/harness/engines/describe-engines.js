#!/usr/bin/env node
// @ts-check
// Writes engines.json for the test suites: `node describe-engines.js OUT NAME...` with the
// names of the engines that answer now (start-engines.sh / stop-engines.sh decide which,
// and pass every path through the environment, see lib.sh). Asks each engine for
// GET /version and GET /info through its local unix socket (`fixtureSocket`).
const fs = require('fs');
const http = require('http');
const path = require('path');

const [out, ...names] = process.argv.slice(2);
const env = (/** @type {string} */ k) => {
  const v = process.env[k];
  if (!v) throw new Error(`describe-engines.js: ${k} is not set`);
  return v;
};

/** @returns {Promise<any>} */
function get(socketPath, p) {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: p, timeout: 30000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${p}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${p}: no answer within 30 s`)));
    req.on('error', reject);
  });
}

const log = (f) => path.join(env('LOGS'), f);
const sshFields = (remoteSocket) => ({
  sshPathDir: env('SSH_BIN'),
  sshConfig: env('SSH_CONFIG'),
  sshKnownHosts: env('SSH_KNOWN_HOSTS'),
  sshIdentity: env('SSH_IDENTITY'),
  sshHostKeyAlias: env('SSH_HOST_ALIAS'),
  // `ssh ALIAS` reaches the test sshd as root (a Host block of sshConfig).
  sshAlias: env('SSH_ALIAS'),
  sshUser: 'root',
  sshHost: '127.0.0.1',
  sshPort: Number(env('SSH_PORT')),
  sshRemoteSocket: remoteSocket,
});

/** Static part of each engine's description. */
const engines = {
  host: () => ({
    socket: '/var/run/docker.sock',
    dockerHost: 'unix:///var/run/docker.sock',
    title: (v) => `Docker ${v} (this machine's engine)`,
    logFile: path.join(path.dirname(env('LOGS')), '..', 'dockerd.log'),
  }),
  'second-tls': () => {
    const dir = env('TLS_CLIENT');
    const port = env('TLS_PORT');
    return {
      socket: env('SECOND_SOCK'),
      dockerHost: `tcp://127.0.0.1:${port}`,
      title: (v) => `Docker ${v} over TLS`,
      tls: {
        caFile: path.join(dir, 'ca.pem'),
        certFile: path.join(dir, 'cert.pem'),
        keyFile: path.join(dir, 'key.pem'),
        certDir: dir,
        wrongCaFile: path.join(env('TLS_WRONG'), 'ca.pem'),
        // ca.pem (the wrong CA) + cert.pem/key.pem: a client certificate the engine rejects
        wrongCertDir: env('TLS_WRONG'),
        port: Number(port),
        // The engine's other address, which VS Code's proxy support treats as remote.
        remoteHost: env('TLS_REMOTE_HOST'),
      },
      env: { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir },
      logFile: log('second.log'),
    };
  },
  ssh: () => ({
    socket: env('SECOND_SOCK'),
    dockerHost: `ssh://root@127.0.0.1:${env('SSH_PORT')}`,
    title: (v) => `Docker ${v} over SSH`,
    ...sshFields(env('SECOND_SOCK')),
    logFile: log('sshd.log'),
  }),
  podman: () => ({
    socket: env('PODMAN_SOCK'),
    dockerHost: `unix://${env('PODMAN_SOCK')}`,
    title: (v) => `Podman ${v} (Docker-compatible API)`,
    logFile: log('podman.log'),
  }),
  'podman-ssh': () => ({
    socket: env('PODMAN_SOCK'),
    dockerHost: `ssh://root@127.0.0.1:${env('SSH_PORT')}${env('PODMAN_SOCK')}`,
    title: (v) => `Podman ${v} over SSH (forwarded socket)`,
    ...sshFields(env('PODMAN_SOCK')),
    logFile: log('sshd.log'),
  }),
  docker28: () => ({
    socket: env('DOCKER28_SOCK'),
    dockerHost: `unix://${env('DOCKER28_SOCK')}`,
    title: (v) => `Docker ${v} (overlay2 image store)`,
    dockerConfig: env('DOCKER28_CONFIG'),
    env: { DOCKER_HOST: `unix://${env('DOCKER28_SOCK')}`, DOCKER_CONFIG: env('DOCKER28_CONFIG') },
    logFile: log('docker28.log'),
  }),
  'docker28-containerd': () => ({
    socket: env('DOCKER28_CONTAINERD_SOCK'),
    dockerHost: `unix://${env('DOCKER28_CONTAINERD_SOCK')}`,
    title: (v) => `Docker ${v} (containerd image store)`,
    dockerConfig: env('DOCKER28_CONFIG'),
    env: { DOCKER_HOST: `unix://${env('DOCKER28_CONTAINERD_SOCK')}`, DOCKER_CONFIG: env('DOCKER28_CONFIG') },
    logFile: log('docker28-containerd.log'),
  }),
};

async function describe(name) {
  const make = engines[name];
  if (!make) throw new Error(`unknown engine ${name}`);
  const { socket, title, env: engineEnv, ...rest } = make();
  const [version, info, info2] = await Promise.all([get(socket, '/version'), get(socket, '/info'), get(socket, '/info')]);
  const isPodman = (version.Components || []).some((c) => /podman/i.test(c.Name)) || /podman/i.test(version.Platform?.Name || '');
  const podmanVersion = (version.Components || []).find((c) => /podman/i.test(c.Name))?.Version;
  const shownVersion = isPodman ? podmanVersion || version.Version : version.Version;
  const driverStatus = info.DriverStatus || [];
  return {
    name,
    title: title(shownVersion),
    kind: isPodman ? 'podman' : 'docker',
    dockerHost: rest.dockerHost,
    fixtureSocket: socket,
    expectedId: info.ID,
    // Podman 4.3 answers every GET /info with a new random ID.
    idStable: info.ID === info2.ID,
    version: version.Version,
    apiVersion: version.ApiVersion,
    minApiVersion: version.MinAPIVersion,
    os: version.Os,
    arch: version.Arch,
    storageDriver: info.Driver,
    containerdSnapshotter: driverStatus.some(([k, v]) => k === 'driver-type' && /containerd\.snapshotter/.test(v)),
    ...rest,
    env: engineEnv || { DOCKER_HOST: rest.dockerHost },
  };
}

(async () => {
  const results = await Promise.allSettled(names.map(describe));
  // An engine that pings but is slow to describe itself (Podman's /info on a loaded machine)
  // keeps the description written before: restarting one engine must not drop another.
  let before = [];
  try {
    before = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    before = [];
  }
  const list = [];
  let missing = 0;
  results.forEach((r, i) => {
    const kept = Array.isArray(before) ? before.find((e) => e && e.name === names[i]) : undefined;
    if (r.status === 'fulfilled') list.push(r.value);
    else if (kept) {
      list.push(kept);
      console.error(`setup: engine ${names[i]} answers /_ping but not yet /version or /info (${r.reason.message}): its earlier description is kept`);
    } else {
      missing++;
      console.error(`setup: engine ${names[i]} answers /_ping but not /version or /info: ${r.reason.message}`);
    }
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(list, null, 2) + '\n');
  fs.renameSync(`${out}.tmp`, out);
  console.error(`setup: ${out} lists ${list.map((e) => e.name).join(', ') || 'no engine'}`);
  process.exit(missing === 0 ? 0 : 1);
})();
