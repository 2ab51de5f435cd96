// A TCP pass-through between the operator and kube-apiserver that can cut every open connection
// at once: watches end mid-stream and in-flight requests fail, as when a load balancer or the
// API server's own connection limits drop them. TLS passes through untouched (the serving
// certificate covers 127.0.0.1, whatever the port).
import net from 'node:net';

export interface CuttingProxy {
  url: string;
  /** Destroys every open connection; returns how many were cut. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: URL): Promise<CuttingProxy> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair = [client, upstream];
    for (const socket of pair) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(socket);
        for (const other of pair) other.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the proxy has no address');
  return {
    url: `https://127.0.0.1:${address.port}`,
    cutAll() {
      // Count client-side sockets only: each connection is a client and an upstream socket.
      const cut = Math.ceil(open.size / 2);
      for (const socket of open) socket.destroy();
      return cut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
