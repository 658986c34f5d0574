import { Type } from 'typebox'

export const STRUCTURE_KINDS = [
  'practice',
  'clinic',
  'pharmacy',
  'hospital_service',
  'laboratory',
  'other',
] as const

const Text = (maxLength: number, extra: object = {}) => Type.String({ minLength: 1, maxLength, ...extra })
export const Finess = Type.String({ pattern: '^[0-9][0-9ABab][0-9]{7}$', examples: ['750712184'] })
export const Siret = Type.String({ pattern: '^[0-9]{14}$', examples: ['73282932000074'] })
export const PostalCode = Type.String({ pattern: '^[0-9]{5}$', examples: ['81000'] })
export const Phone = Type.String({
  pattern: '^\\+[1-9][0-9]{6,14}$',
  description: 'E.164',
  examples: ['+33563000000'],
})

export const Structure = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Enum(STRUCTURE_KINDS),
    name: Type.String(),
    finess: Type.Union([Type.String(), Type.Null()], { description: 'FINESS géographique (site, ET)' }),
    finessLegal: Type.Union([Type.String(), Type.Null()], {
      description: 'FINESS juridique (legal entity, EJ)',
    }),
    siret: Type.Union([Type.String(), Type.Null()]),
    siren: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    postalCode: Type.Union([Type.String(), Type.Null()]),
    city: Type.Union([Type.String(), Type.Null()]),
    departmentCode: Type.Union([Type.String(), Type.Null()]),
    region: Type.Union([Type.String(), Type.Null()]),
    phones: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Structure', title: 'Structure' },
)

const structureFields = {
  kind: Type.Enum(STRUCTURE_KINDS),
  name: Text(200),
  finess: Finess,
  finessLegal: Finess,
  siret: Siret,
  address: Text(300),
  postalCode: PostalCode,
  city: Text(100),
  region: Text(100),
  phones: Type.Array(Phone, { maxItems: 5 }),
}

export const NewStructure = Type.Object(
  {
    ...structureFields,
    finess: Type.Optional(Finess),
    finessLegal: Type.Optional(Finess),
    siret: Type.Optional(Siret),
    address: Type.Optional(structureFields.address),
    postalCode: Type.Optional(PostalCode),
    city: Type.Optional(structureFields.city),
    region: Type.Optional(structureFields.region),
    phones: Type.Optional(structureFields.phones),
  },
  { additionalProperties: false },
)

export const StructureChanges = Type.Partial(Type.Object(structureFields), {
  additionalProperties: false,
  minProperties: 1,
})

export type NewStructureInput = Type.Static<typeof NewStructure>
export type StructureChangesInput = Type.Static<typeof StructureChanges>
