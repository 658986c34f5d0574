import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'

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

/** SMTP when `SMTP_URL` is set; otherwise each message becomes an `.eml` file in `<DATA_DIR>/mail`. */
export function createMailTransport(options: {
  smtpUrl?: string | undefined
  dataDir: string
  logger: Logger
}) {
  return options.smtpUrl
    ? smtpTransport(options.smtpUrl)
    : fileTransport(join(options.dataDir, 'mail'), options.logger)
}

export function smtpTransport(url: string): MailTransport {
  const { hostname, port, protocol, username, password } = new URL(url)
  const transporter = nodemailer.createTransport({
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

export function fileTransport(dir: string, logger: Logger): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'file',
    async send(message) {
      const info = await transporter.sendMail(message)
      await mkdir(dir, { recursive: true })
      const file = join(
        dir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`,
      )
      await writeFile(file, info.message as Buffer)
      // The file holds the message (and any code in it) for the developer; the log line only points to it.
      logger.info({ file, subject: message.subject }, 'email written to file')
    },
    close: () => transporter.close(),
  }
}
