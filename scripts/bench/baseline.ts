import Fastify from 'fastify'
import pg from 'pg'
import { baselineRoutes } from './baseline-routes.ts'

// The baseline of every HTTP scenario: a bare Fastify route doing the same SQL as the service, with no
// validation, security, metrics or logging. `node scripts/bench/baseline.ts` listens on PORT.
// As the service's pool (src/db/database.ts): no JIT compiling, no parallel workers.
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  options: '-c jit=off -c max_parallel_workers_per_gather=0',
})
const app = Fastify({ logger: false })
for (const route of baselineRoutes) {
  app.route({ method: route.method, url: route.url, handler: (request) => route.handler(pool, request) })
}
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on('SIGTERM', () => {
  app.close().then(() => pool.end())
})
