import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export const supportRoutes: FastifyPluginAsyncTypebox = async () => {}
