// Free-port helpers. vLLM binds with SO_REUSEPORT, so a second server by the same user could silently
// share a port: check before launching instead of trusting vLLM to fail.

import { createServer, type Server } from "node:net";

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function isPortFree(host: string, port: number): Promise<boolean> {
  try {
    await close(await listen(host, port));
    return true;
  } catch {
    return false;
  }
}

/** `count` distinct ports the OS reports free right now (all held open together so none repeats). */
export async function findFreePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(host, 0));
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === "string") throw new Error("no TCP address");
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

export async function findFreePort(host: string): Promise<number> {
  return (await findFreePorts(host, 1))[0]!;
}
