import net from 'node:net'

/** A TCP proxy between the app and PostgreSQL that a test can cut and restore. */
export interface TcpProxy {
  readonly port: number
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  let port = 0
  const open = () =>
    new Promise<void>((resolve) => {
      const listener = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host)
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.on('close', () => sockets.delete(socket))
          socket.on('error', () => {
            client.destroy()
            upstream.destroy()
          })
        }
        client.pipe(upstream).pipe(client)
      })
      server = listener
      listener.listen(port, '127.0.0.1', () => {
        port = (listener.address() as net.AddressInfo).port
        resolve()
      })
    })
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      if (!server) return resolve()
      server.close(() => resolve())
      server = undefined
    })
  await open()
  return {
    get port() {
      return port
    },
    cut: shut,
    restore: open,
    close: shut,
  }
}
