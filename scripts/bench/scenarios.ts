import { BENCH_PASSWORD } from './baseline-routes.ts'
import type { HttpScenario } from './http.ts'
import { mailboxDirectoryScenario } from './mailboxes.ts'
import { approvalQueue, signedInPerson, signInAccounts } from './setup.ts'
import { wordSearchScenario } from './word-search.ts'

/** Last-name prefixes as typed in a registration form: 2 to 4 letters, any case, some with accents. */
export const NAME_PREFIXES = [
  'ma',
  'mar',
  'Mart',
  'ber',
  'du',
  'Dub',
  'lef',
  'Lé',
  'lev',
  'mu',
  'Mül',
  'br',
  'ndi',
  'dar',
  'gi',
  'gir',
  'fon',
  'che',
  'mer',
  'gau',
  'per',
  'cré',
  'le g',
  'mé',
  'dal',
  'ngu',
  'da s',
  'ben',
  'rou',
  'bou',
  'hén',
  'lem',
  'sén',
  'pet',
  'mor',
  'zh',
  'wa',
]

const json = { 'content-type': 'application/json' }

/** The goals of a hot read against its same-SQL baseline: req/s ratio ≥ 0.85, p99 ratio ≤ 1.3. */
export const HOT_READ = { ratio: 0.85, p99Ratio: 1.3 }

export const httpScenarios: HttpScenario[] = [
  {
    id: 'health',
    name: 'GET /health/ready',
    // The framework's overhead: helmet's headers, request id, metrics, logging and rate limiting all on.
    goals: { ratio: 0.8 },
    async prepare() {
      const shape = () => ({ method: 'GET' as const, path: '/health/ready' })
      return { service: shape, baseline: shape }
    },
  },
  {
    id: 'search',
    name: 'GET /v1/directory/professionals?lastName=…',
    goals: HOT_READ,
    hotRead: true,
    latency: { connections: 4, p99Ms: 20 },
    async prepare() {
      const query = (n: number) =>
        `lastName=${encodeURIComponent(NAME_PREFIXES[n % NAME_PREFIXES.length]!)}&limit=20`
      return {
        service: (n) => ({ method: 'GET', path: `/v1/directory/professionals?${query(n)}` }),
        baseline: (n) => ({ method: 'GET', path: `/directory/professionals?${query(n)}` }),
      }
    },
  },
  wordSearchScenario,
  {
    id: 'me',
    name: 'GET /v1/me',
    goals: HOT_READ,
    hotRead: true,
    async prepare(bench) {
      const person = await signedInPerson(bench)
      const authorization = { authorization: `Bearer ${person.token}` }
      const baselinePath = `/me?account=${person.accountId}&session=${person.sessionId}`
      return {
        service: () => ({ method: 'GET', path: '/v1/me', headers: authorization }),
        baseline: () => ({ method: 'GET', path: baselinePath }),
      }
    },
  },
  {
    id: 'approvals',
    name: 'GET /v1/approvals (a delegate of 3 professionals)',
    goals: HOT_READ,
    hotRead: true,
    async prepare(bench) {
      const secretary = await approvalQueue(bench)
      const authorization = { authorization: `Bearer ${secretary.token}` }
      const baselinePath = `/approvals?account=${secretary.accountId}&session=${secretary.sessionId}&limit=20`
      return {
        service: () => ({ method: 'GET', path: '/v1/approvals?limit=20', headers: authorization }),
        baseline: () => ({ method: 'GET', path: baselinePath }),
      }
    },
  },
  {
    id: 'collaborators',
    name: 'GET /v1/me/collaborators (the same delegate)',
    goals: HOT_READ,
    hotRead: true,
    async prepare(bench) {
      const secretary = await approvalQueue(bench)
      const authorization = { authorization: `Bearer ${secretary.token}` }
      const baselinePath = `/collaborators?account=${secretary.accountId}&session=${secretary.sessionId}`
      return {
        service: () => ({ method: 'GET', path: '/v1/me/collaborators', headers: authorization }),
        baseline: () => ({ method: 'GET', path: baselinePath }),
      }
    },
  },
  {
    id: 'login',
    name: 'POST /v1/auth/login',
    // argon2id is CPU-bound: a few connections saturate the 2 cores.
    connections: 4,
    goals: { ratio: 0.9 },
    async prepare(bench) {
      const addresses = await signInAccounts(bench, 200, BENCH_PASSWORD)
      const body = (n: number) =>
        JSON.stringify({ email: addresses[n % addresses.length], password: BENCH_PASSWORD })
      return {
        service: (n) => ({ method: 'POST', path: '/v1/auth/login', headers: json, body: body(n) }),
        baseline: (n) => ({ method: 'POST', path: '/login', headers: json, body: body(n) }),
      }
    },
  },
  mailboxDirectoryScenario,
]
