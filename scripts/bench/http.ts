import autocannon from 'autocannon'
import type { Figure } from './report.ts'
import type { Bench } from './setup.ts'

export interface RequestShape {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
}

/** The n-th request of a run, on the service and on the baseline. */
export interface HttpLoad {
  service(n: number): RequestShape
  baseline(n: number): RequestShape
}

export interface HttpScenario {
  /** What --only matches. */
  id: string
  name: string
  /** Overrides --connections (CPU-bound scenarios). */
  connections?: number
  /**
   * Lowest acceptable req/s ratio ours/baseline; highest acceptable p99 ratio ours/baseline (under this
   * load the machine is saturated, so absolute latencies are mostly queueing: the ratio is what tells).
   */
  goals?: { ratio?: number; p99Ratio?: number }
  /**
   * Also measures the p99 latency at this lighter load (a few users at once rather than saturation),
   * held to an absolute bound.
   */
  latency?: { connections: number; p99Ms: number }
  /**
   * A hot read: also held against the bare `select 1` route's req/s of the same run (the health
   * scenario's baseline), the most one round trip to PostgreSQL allows on this machine.
   */
  hotRead?: boolean
  /** Makes what the requests need (accounts, tokens) in the bench database, before the load. */
  prepare(bench: Bench): Promise<HttpLoad>
}

export interface HttpOptions {
  /** The bare `select 1` route's req/s in this run, once measured (see `hotRead`). */
  selectOne?: number
  servicePort: number
  baselinePort: number
  duration: number
  connections: number
  warmup: number
}

// Requests come from 4,096 client addresses in turn (the service trusts one proxy, TRUST_PROXY=1), as on a
// public endpoint: the per-address rate limits and throttles see many clients, each well under its limit.
const runOctet = 1 + Math.floor(Math.random() * 254)
const clientAddress = (n: number) => `10.${runOctet}.${(n >> 8) & 15}.${n & 255}`

// autocannon's documented merge of runs made with `skipAggregateResult` (missing from its types).
const aggregate = (
  autocannon as unknown as { aggregateResult(runs: Run[], options: object): autocannon.Result }
).aggregateResult
type Run = autocannon.Result & { totalCompletedRequests: number }

/**
 * Warms up both servers, then loads the service and the baseline with the same requests, in
 * alternating slices of about 2 s (so that a change of load on the machine hits both alike): returns
 * the throughput and p99 latency of both.
 */
export async function measureHttp(
  scenario: HttpScenario,
  load: HttpLoad,
  options: HttpOptions,
): Promise<Figure[]> {
  const connections = scenario.connections ?? options.connections
  // One count of requests across the runs: addresses and accounts go round, none reused early.
  const sent = { count: 0 }
  const run = (port: number, shape: (n: number) => RequestShape, duration: number, at = connections) =>
    loadTest(scenario.name, port, shape, sent, at, duration)
  await run(options.servicePort, load.service, options.warmup)
  await run(options.baselinePort, load.baseline, options.warmup)
  const slices = Math.max(1, Math.round(options.duration / 2))
  const ours: Run[] = []
  const theirs: Run[] = []
  for (let slice = 0; slice < slices; slice++) {
    ours.push(await run(options.servicePort, load.service, options.duration / slices))
    theirs.push(await run(options.baselinePort, load.baseline, options.duration / slices))
  }
  const summary = (runs: Run[]) => ({
    perSecond:
      runs.reduce((sum, r) => sum + r.totalCompletedRequests, 0) /
      runs.reduce((sum, r) => sum + r.duration, 0),
    p99: aggregate(runs, { url: 'http://127.0.0.1', connections }).latency.p99,
  })
  const [service, baseline] = [summary(ours), summary(theirs)]
  const name = `${scenario.name} (${connections} conn.)`
  const { ratio, p99Ratio } = scenario.goals ?? {}
  const light: Figure[] = []
  if (scenario.latency) {
    const { connections: few, p99Ms } = scenario.latency
    const p99 = async (port: number, shape: (n: number) => RequestShape) =>
      aggregate([await run(port, shape, options.duration / 2, few)], {
        url: 'http://127.0.0.1',
        connections: few,
      }).latency.p99
    light.push({
      scenario: `${scenario.name} (${few} conn.)`,
      measure: 'p99 ms',
      ours: await p99(options.servicePort, load.service),
      baseline: await p99(options.baselinePort, load.baseline),
      digits: 1,
      goal: { below: p99Ms, unit: 'ms' },
    })
  }
  return [
    {
      scenario: name,
      measure: 'req/s',
      ours: service.perSecond,
      baseline: baseline.perSecond,
      digits: 0,
      ...(ratio !== undefined && { goal: { ratioAtLeast: ratio } }),
    },
    {
      scenario: name,
      measure: 'p99 ms',
      ours: service.p99,
      baseline: baseline.p99,
      digits: 1,
      ...(p99Ratio !== undefined && { goal: { ratioAtMost: p99Ratio } }),
    },
    ...(scenario.hotRead && options.selectOne !== undefined
      ? [
          {
            scenario: name,
            measure: 'req/s vs select 1',
            ours: service.perSecond,
            baseline: options.selectOne,
            digits: 0,
            goal: { ratioAtLeast: 0.2 },
          },
        ]
      : []),
    ...light,
  ]
}

async function loadTest(
  name: string,
  port: number,
  shape: (n: number) => RequestShape,
  sent: { count: number },
  connections: number,
  duration: number,
): Promise<Run> {
  const result = (await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    skipAggregateResult: true,
    requests: [
      {
        setupRequest(request) {
          const n = sent.count++
          const next = shape(n)
          const headers = { ...request.headers, ...next.headers, 'x-forwarded-for': clientAddress(n) }
          return { ...request, method: next.method, path: next.path, headers, body: next.body ?? '' }
        },
      },
    ],
  })) as Run
  if (result.non2xx > 0 || result.errors > 0) {
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .map(([status, stats]) => `${stats.count ?? 0}× ${status}`)
      .join(', ')
    throw new Error(
      `${name} on port ${port}: ${result.non2xx} non-2xx answers (${statuses}), ${result.errors} errors`,
    )
  }
  return result
}
