import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.ts'

describe('configuration', () => {
  it('starts with nothing set: embedded database, files for mail, port 3000', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      MIGRATE_ON_START: true,
    })
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.SMTP_URL).toBeUndefined()
    expect(config.DOCS_ENABLED).toBe(true)
  })

  it('reads typed values and lists', () => {
    const config = loadConfig({
      PORT: '8080',
      MIGRATE_ON_START: 'false',
      CORS_ORIGINS: 'https://a.fr, https://b.fr',
    })
    expect(config.PORT).toBe(8080)
    expect(config.MIGRATE_ON_START).toBe(false)
    expect(config.CORS_ORIGINS).toEqual(['https://a.fr', 'https://b.fr'])
  })

  it('names every bad variable in one message, without echoing values', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root:hunter2@db/app',
        LOG_LEVEL: 'loud',
        SECRET_KEY: 'short-secret',
      })
    expect(attempt).toThrow(ConfigError)
    try {
      attempt()
    } catch (error) {
      const message = (error as ConfigError).message
      expect(message).toMatch(/^Invalid configuration:/)
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SECRET_KEY'])
        expect(message).toContain(`- ${name} `)
      expect(message).toContain('LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent')
      expect(message).not.toContain('hunter2')
      expect(message).not.toContain('short-secret')
      expect((error as ConfigError).problems).toHaveLength(4)
    }
  })

  it('requires a shared SECRET_KEY and the MSSanté domain in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY is required in production/)
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'ab'.repeat(32) })).toThrow(
      /MSSANTE_DOMAIN is required in production/,
    )
    expect(
      loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'ab'.repeat(32), MSSANTE_DOMAIN: 'oc.mssante.fr' })
        .DOCS_ENABLED,
    ).toBe(false)
  })

  it('reads the mailboxes’ domains and regions, and refuses codes that name nothing', () => {
    expect(loadConfig({})).toMatchObject({
      MSSANTE_DOMAIN: 'mssante.localhost',
      MSSANTE_DOMAINS_BY_PROFESSION: {},
      MAILBOX_REGIONS: [],
    })
    expect(
      loadConfig({
        MSSANTE_DOMAIN: 'oc.mssante.fr',
        MSSANTE_DOMAINS_BY_PROFESSION: '21=pharmacien.oc.mssante.fr,10=medecin.oc.mssante.fr',
        MAILBOX_REGIONS: '76,94,76',
      }),
    ).toMatchObject({
      MSSANTE_DOMAIN: 'oc.mssante.fr',
      MSSANTE_DOMAINS_BY_PROFESSION: { '21': 'pharmacien.oc.mssante.fr', '10': 'medecin.oc.mssante.fr' },
      MAILBOX_REGIONS: ['76', '94'],
    })
    const attempt = () =>
      loadConfig({
        MSSANTE_DOMAIN: 'Not A Domain',
        MSSANTE_DOMAINS_BY_PROFESSION: '99=x.mssante.fr',
        MAILBOX_REGIONS: '76,20',
      })
    expect(attempt).toThrow(/MSSANTE_DOMAIN /)
    expect(() =>
      loadConfig({ MSSANTE_DOMAINS_BY_PROFESSION: '99=x.mssante.fr', MAILBOX_REGIONS: '76,20' }),
    ).toThrow(/codes that are no national profession: 99[\s\S]*codes that are no region: 20/)
    expect(() => loadConfig({ MSSANTE_DOMAINS_BY_PROFESSION: '21:pharmacien.fr' })).toThrow(
      /MSSANTE_DOMAINS_BY_PROFESSION/,
    )
  })
})
