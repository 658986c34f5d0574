import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A real SMTP server on loopback that keeps every message it receives, parsed. */
export interface MailSink {
  readonly url: string
  readonly port: number
  readonly messages: ParsedMail[]
  /** How many SMTP connections were opened to it. */
  readonly connections: number
  /** Messages sent to this address, oldest first. */
  to(address: string): ParsedMail[]
  /** The last 6-digit code mailed to this address. */
  lastCode(address: string): string
  stop(): Promise<void>
}

/** `delayMs`: a slow relay, which takes this long over each message before accepting it. */
export async function startMailSink(port = 0, options: { delayMs?: number } = {}): Promise<MailSink> {
  const messages: ParsedMail[] = []
  let connections = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Stopping drops the connections senders keep open (pooled), as a relay going down does.
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections += 1
      callback()
    },
    onData(stream, _session, callback) {
      // Acknowledge only once parsed, so that a sent message is already in `messages`.
      simpleParser(stream).then(
        (message) => {
          setTimeout(() => {
            messages.push(message)
            callback()
          }, options.delayMs ?? 0)
        },
        (error: Error) => callback(error),
      )
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actualPort = (server.server.address() as AddressInfo).port
  const to = (address: string) =>
    messages.filter((message) =>
      [message.to].flat().some((entry) => entry?.value.some((a) => a.address === address)),
    )
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    get connections() {
      return connections
    },
    to,
    lastCode(address) {
      const text = to(address).at(-1)?.text ?? ''
      const code = /\b(\d{6})\b/.exec(text)?.[1]
      if (!code) throw new Error(`No code was mailed to ${address}`)
      return code
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
