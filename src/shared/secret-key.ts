import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Config } from '../config.ts'

/**
 * The service key: `SECRET_KEY` (64 hex digits) when set, which production must do so that every
 * instance shares it. Otherwise a key kept in the data folder, created on first start, so a developer's
 * service keeps working across restarts. In memory-only setups (tests), a fresh random key.
 */
export async function loadSecretKey(
  config: Pick<Config, 'SECRET_KEY' | 'DATA_DIR'>,
  persist: boolean,
): Promise<Buffer> {
  if (config.SECRET_KEY) return Buffer.from(config.SECRET_KEY, 'hex')
  if (!persist) return randomBytes(32)
  const file = join(config.DATA_DIR, 'secret.key')
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex')
  } catch {
    const key = randomBytes(32)
    await mkdir(config.DATA_DIR, { recursive: true })
    await writeFile(file, key.toString('hex'), { mode: 0o600, flag: 'wx' })
    return key
  }
}
