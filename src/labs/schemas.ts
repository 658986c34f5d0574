import { Type } from 'typebox'
import { Finess, PostalCode, Siret } from '../structures/schemas.ts'

export const LabId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', examples: ['biomnis'] })
export const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$', examples: ['C012345'] })
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])

export const LabCenter = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  city: Nullable(Type.String()),
})

export const Lab = Type.Object({
  id: Type.String(),
  name: Type.String(),
  requiresCorrespondentCode: Type.Boolean(),
  centers: Type.Array(LabCenter),
})

export const LabSettings = Type.Object(
  { name: Text(120), requiresCorrespondentCode: Type.Boolean() },
  { additionalProperties: false },
)

export const CorrespondentLookup = Type.Object({
  code: Type.String(),
  lab: Type.Object({ id: Type.String(), name: Type.String() }),
  center: Nullable(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
  structure: Type.Object({
    id: Type.String(),
    name: Type.String(),
    city: Nullable(Type.String()),
    finess: Nullable(Type.String()),
    siret: Nullable(Type.String()),
  }),
})

export const CenterItem = Type.Object(
  {
    code: Code,
    name: Text(200),
    address: Type.Optional(Text(300)),
    postalCode: Type.Optional(PostalCode),
    city: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
)

export const CorrespondentItem = Type.Object(
  {
    code: Code,
    name: Text(200),
    centerCode: Type.Optional(Code),
    active: Type.Boolean(),
    structure: Type.Object(
      {
        finess: Type.Optional(Finess),
        siret: Type.Optional(Siret),
        name: Text(200),
        address: Type.Optional(Text(300)),
        postalCode: Type.Optional(PostalCode),
        city: Type.Optional(Text(100)),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const Batch = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems: number) =>
  Type.Object({ items: Type.Array(item, { minItems: 1, maxItems }) }, { additionalProperties: false })

export const SyncResult = Type.Object({
  created: Type.Integer({ minimum: 0 }),
  updated: Type.Integer({ minimum: 0 }),
  unchanged: Type.Integer({ minimum: 0 }),
})

export const Correspondent = Type.Object({
  code: Type.String(),
  name: Type.String(),
  centerCode: Nullable(Type.String()),
  active: Type.Boolean(),
  structureId: Type.String({ format: 'uuid' }),
  updatedAt: Type.String({ format: 'date-time' }),
  deactivatedAt: Nullable(Type.String({ format: 'date-time' })),
})

export type CenterItemInput = Type.Static<typeof CenterItem>
export type CorrespondentItemInput = Type.Static<typeof CorrespondentItem>
