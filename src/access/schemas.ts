import { Type } from 'typebox'

const Uuid = Type.String({ format: 'uuid' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])
export const Right = Type.Enum(['results', 'invoices'] as const)
export const Rights = Type.Array(Right, { minItems: 1, maxItems: 2, uniqueItems: true })

export const AccessRequest = Type.Object({
  id: Uuid,
  structureId: Uuid,
  rights: Type.Array(Right),
  approverId: Uuid,
  status: Type.Enum(['pending', 'approved', 'rejected', 'cancelled'] as const),
  grantedRights: Nullable(Type.Array(Right)),
  comment: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  atRegistration: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  decidedAt: Nullable(Type.String({ format: 'date-time' })),
})

export const Approval = Type.Object({
  id: Uuid,
  requester: Type.Object({
    id: Uuid,
    civility: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    accountTitle: Nullable(Type.String()),
    profile: Type.String(),
    email: Nullable(Type.String()),
  }),
  structure: Type.Object({ id: Uuid, name: Type.String() }),
  rights: Type.Array(Right),
  grantedRights: Nullable(Type.Array(Right)),
  comment: Nullable(Type.String()),
  status: Type.String(),
  atRegistration: Type.Boolean(),
  approverId: Uuid,
  createdAt: Type.String({ format: 'date-time' }),
})

export const Delegation = Type.Object({
  id: Uuid,
  structureId: Uuid,
  structureName: Type.String(),
  delegate: Type.Object({ id: Uuid, firstName: Type.String(), lastName: Type.String() }),
  createdAt: Type.String({ format: 'date-time' }),
})

export const accessRequestView = (row: {
  id: string
  structure_id: string
  rights: ('results' | 'invoices')[]
  approver_id: string
  status: 'pending' | 'approved' | 'rejected' | 'cancelled'
  granted_rights: ('results' | 'invoices')[] | null
  comment: string | null
  reason: string | null
  at_registration: boolean
  created_at: Date
  decided_at: Date | null
}) => ({
  id: row.id,
  structureId: row.structure_id,
  rights: row.rights,
  approverId: row.approver_id,
  status: row.status,
  grantedRights: row.granted_rights,
  comment: row.comment,
  reason: row.reason,
  atRegistration: row.at_registration,
  createdAt: row.created_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
})
