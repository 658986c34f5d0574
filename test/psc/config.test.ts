import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { pscSettingsOf } from '../../src/psc/relying-party.ts'

const PSC = {
  PSC_DISCOVERY_URL:
    'https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration',
  PSC_CLIENT_ID: 'sesame-bas',
  PSC_CLIENT_SECRET: 'not-a-real-secret',
  PSC_REDIRECT_URIS: 'https://portail.example.org/psc, http://localhost:5173/psc',
}

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
}

describe('Pro Santé Connect configuration', () => {
  it('is off with nothing set', () => {
    expect(pscSettingsOf(loadConfig({}))).toBeUndefined()
  })

  it('is on with its four variables, with the PSC defaults for scopes and acr', () => {
    const config = loadConfig(PSC)
    expect(config.PSC_REDIRECT_URIS).toEqual(['https://portail.example.org/psc', 'http://localhost:5173/psc'])
    expect(pscSettingsOf(config)).toEqual({
      discoveryUrl: PSC.PSC_DISCOVERY_URL,
      clientId: 'sesame-bas',
      clientSecret: 'not-a-real-secret',
      scopes: 'openid scope_all',
      acrValues: ['eidas1'],
      timeoutMs: 10_000,
    })
  })

  it.each([
    [
      'half of it',
      { PSC_CLIENT_ID: 'sesame' },
      /PSC_DISCOVERY_URL, PSC_CLIENT_SECRET, PSC_REDIRECT_URIS must be set too/,
    ],
    [
      'plain HTTP away from the loopback',
      { ...PSC, PSC_DISCOVERY_URL: 'http://psc.example.org/.well-known/x' },
      /PSC_DISCOVERY_URL must be an https/,
    ],
    [
      'a redirect URI with a query',
      { ...PSC, PSC_REDIRECT_URIS: 'https://portail.example.org/psc?next=1' },
      /PSC_REDIRECT_URIS must list/,
    ],
    [
      'a redirect URI that is not one',
      { ...PSC, PSC_REDIRECT_URIS: 'portail/psc' },
      /PSC_REDIRECT_URIS must list/,
    ],
  ])('refuses %s, without echoing the secret', (_case, env, message) => {
    const problems = problemsOf(env)
    expect(problems.join('\n')).toMatch(message)
    expect(problems.join('\n')).not.toContain('not-a-real-secret')
  })
})
