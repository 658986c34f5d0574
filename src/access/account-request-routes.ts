import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export const accountRequestRoutes: FastifyPluginAsyncTypebox = async () => {}
