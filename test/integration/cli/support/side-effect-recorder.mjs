// Preloaded (`node --permission-audit --allow-fs-read=* --import <this file>`) into a process
// whose side effects a test wants to see. Node's permission model in audit mode reports, without
// blocking, every file write, child process and worker thread on its diagnostics channels; Node 24
// has no network permission, so outgoing connections, listening sockets, UDP and DNS are caught
// here by wrapping their entry points. Each is printed to stderr as one `SIDE-EFFECT <kind> <what>`
// line, synchronously, before it happens.
import dgram from 'node:dgram';
import diagnosticsChannel from 'node:diagnostics_channel';
import dns from 'node:dns';
import net from 'node:net';

const report = (kind, what) => process._rawDebug(`SIDE-EFFECT ${kind} ${what}`);

for (const channel of ['fs', 'child', 'worker', 'addon', 'wasi', 'inspector']) {
  diagnosticsChannel.subscribe(`node:permission-model:${channel}`, (message) =>
    report(channel, `${message?.permission ?? ''} ${message?.resource ?? ''}`.trim()),
  );
}

const wrap = (target, method, kind, describe) => {
  const original = target[method];
  target[method] = function (...args) {
    report(kind, describe(...args));
    return original.apply(this, args);
  };
};
const where = (first, second) =>
  typeof first === 'object' && first !== null
    ? `${first.host ?? first.path ?? ''}:${first.port ?? ''}`
    : `${second ?? ''}:${first ?? ''}`;
wrap(net.Socket.prototype, 'connect', 'net-connect', (first, second) =>
  where(Array.isArray(first) ? first[0] : first, second),
);
wrap(net.Server.prototype, 'listen', 'net-listen', (first, second) => where(first, second));
wrap(dgram.Socket.prototype, 'bind', 'udp-bind', (first) => String(first ?? ''));
wrap(dgram.Socket.prototype, 'send', 'udp-send', () => '');
wrap(dns, 'lookup', 'dns-lookup', (host) => String(host));
wrap(dns.promises, 'lookup', 'dns-lookup', (host) => String(host));
