import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'
import type { Config } from '../config.ts'

export interface MailMessage {
  from: string
  to: string
  subject: string
  text: string
}

export interface MailTransport {
  readonly kind: 'smtp' | 'file'
  send(message: MailMessage): Promise<void>
  close(): void
}

type TransportConfig = Pick<
  Config,
  | 'SMTP_URL'
  | 'DATA_DIR'
  | 'NODE_ENV'
  | 'SMTP_POOL_CONNECTIONS'
  | 'SMTP_POOL_MESSAGES'
  | 'SMTP_RATE_PER_SECOND'
>

/**
 * SMTP when `SMTP_URL` is set; otherwise each message becomes an `.eml` file in `<DATA_DIR>/mail`, with,
 * outside production, its text as written beside it in a `.txt` file.
 */
export function createMailTransport(config: TransportConfig, logger: Logger): MailTransport {
  return config.SMTP_URL
    ? smtpTransport(config.SMTP_URL, {
        connections: config.SMTP_POOL_CONNECTIONS,
        messagesPerConnection: config.SMTP_POOL_MESSAGES,
        perSecond: config.SMTP_RATE_PER_SECOND,
      })
    : fileTransport(join(config.DATA_DIR, 'mail'), logger, config.NODE_ENV !== 'production')
}

/** The relay's limits: open connections, messages sent on one before a fresh one, messages a second. */
export interface SmtpPool {
  connections: number
  messagesPerConnection: number
  /** 0: no limit. */
  perSecond: number
}

const DEFAULT_POOL: SmtpPool = { connections: 2, messagesPerConnection: 100, perSecond: 0 }

/**
 * SMTP over pooled connections: a message reuses an open connection (a handshake, and TLS, saved per
 * message), within the relay's limits.
 */
export function smtpTransport(url: string, pool: SmtpPool = DEFAULT_POOL): MailTransport {
  const { hostname, port, protocol, username, password } = new URL(url)
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: pool.connections,
    maxMessages: pool.messagesPerConnection,
    ...(pool.perSecond > 0 ? { rateDelta: 1000, rateLimit: pool.perSecond } : {}),
    host: hostname,
    port: Number(port) || (protocol === 'smtps:' ? 465 : 587),
    secure: protocol === 'smtps:',
    ...(username ? { auth: { user: decodeURIComponent(username), pass: decodeURIComponent(password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  })
  return {
    kind: 'smtp',
    async send(message) {
      await transporter.sendMail(message)
    },
    close: () => transporter.close(),
  }
}

export function fileTransport(dir: string, logger: Logger, readableCopies = false): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'file',
    async send(message) {
      const info = await transporter.sendMail(message)
      await mkdir(dir, { recursive: true })
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`
      const file = join(dir, `${name}.eml`)
      // The .eml is encoded (quoted-printable); the .txt is what a developer reads.
      if (readableCopies) await writeFile(join(dir, `${name}.txt`), readableText(message))
      await writeFile(file, info.message as Buffer)
      // The file holds the message (and any code in it) for the developer; the log line only points to it.
      logger.info({ file, subject: message.subject }, 'email written to file')
    },
    close: () => transporter.close(),
  }
}

const readableText = (message: MailMessage) =>
  `From: ${message.from}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n`
