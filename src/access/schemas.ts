import { Type } from 'typebox'
import { DateTime, EXAMPLE_ID, Nullable, Str, UuidOf } from '../shared/examples.ts'

export const Right = Type.Enum(['results', 'invoices'] as const)
export const Rights = Type.Array(Right, { minItems: 1, maxItems: 2, uniqueItems: true })

const RequestId = UuidOf(EXAMPLE_ID.request)
const StructureId = UuidOf(EXAMPLE_ID.structure)
const ApproverId = UuidOf(EXAMPLE_ID.approver)
const Comment = Str('Je gère les résultats des patients du Dr Martin')

export const AccessRequest = Type.Object({
  id: RequestId,
  structureId: StructureId,
  rights: Type.Array(Right),
  approverId: ApproverId,
  status: Type.Enum(['pending', 'approved', 'rejected', 'cancelled'] as const),
  grantedRights: Nullable(Type.Array(Right)),
  comment: Nullable(Comment),
  reason: Nullable(Str('Les factures restent au secrétariat principal')),
  atRegistration: Type.Boolean(),
  createdAt: DateTime,
  decidedAt: Nullable(DateTime),
})

export const Approval = Type.Object({
  id: RequestId,
  requester: Type.Object({
    id: UuidOf(EXAMPLE_ID.collaborator),
    civility: Str('MME'),
    firstName: Str('Julie'),
    lastName: Str('Bernard'),
    accountTitle: Nullable(Str('Secrétariat du Dr Martin')),
    profile: Str('collaborator'),
    email: Nullable(Str('julie.bernard@example.org')),
  }),
  structure: Type.Object({ id: StructureId, name: Str('Cabinet médical des Lices') }),
  rights: Type.Array(Right),
  grantedRights: Nullable(Type.Array(Right)),
  comment: Nullable(Comment),
  status: Str('pending'),
  atRegistration: Type.Boolean(),
  approverId: ApproverId,
  createdAt: DateTime,
})

/** Who may be named as approver at a structure, as the registration form lists them. */
export const Approver = Type.Object({
  id: ApproverId,
  civility: Str('MME'),
  firstName: Str('Claire'),
  lastName: Str('Martin'),
  role: Type.Enum(['professional', 'delegate'] as const),
  forProfessionalId: Nullable(ApproverId),
})

/** A collaborator at a structure where the reader approves: the rights held, the request waiting. */
export const Collaborator = Type.Object({
  account: Type.Object({
    id: UuidOf(EXAMPLE_ID.collaborator),
    civility: Str('MME'),
    firstName: Str('Julie'),
    lastName: Str('Bernard'),
    accountTitle: Nullable(Str('Secrétariat du Dr Martin')),
    status: Str('active'),
  }),
  structureId: StructureId,
  structureName: Str('Cabinet médical des Lices'),
  rights: Type.Array(Right),
  pendingRequest: Nullable(Type.Object({ id: RequestId, rights: Type.Array(Right) })),
})

export const Delegation = Type.Object({
  id: UuidOf(EXAMPLE_ID.delegation),
  structureId: StructureId,
  structureName: Str('Cabinet médical des Lices'),
  delegate: Type.Object({
    id: UuidOf(EXAMPLE_ID.collaborator),
    firstName: Str('Julie'),
    lastName: Str('Bernard'),
  }),
  createdAt: DateTime,
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
