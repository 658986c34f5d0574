import { Type } from 'typebox'
import { DateTime, EXAMPLE_ID, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'

export const STRUCTURE_KINDS = [
  'practice',
  'clinic',
  'pharmacy',
  'hospital_service',
  'laboratory',
  'other',
] as const

export const Finess = Type.String({ pattern: '^[0-9][0-9ABab][0-9]{7}$', examples: ['810000018'] })
export const Siret = Type.String({ pattern: '^[0-9]{14}$', examples: ['73282932000074'] })
export const PostalCode = Type.String({ pattern: '^[0-9]{5}$', examples: ['81000'] })
export const Phone = Type.String({
  pattern: '^\\+[1-9][0-9]{6,14}$',
  description: 'E.164',
  examples: ['+33563000000'],
})

export const Structure = Type.Object(
  {
    id: UuidOf(EXAMPLE_ID.structure),
    kind: Type.Enum(STRUCTURE_KINDS),
    name: Str('Cabinet médical des Lices'),
    finess: Type.Union([Str('810000018'), Type.Null()], { description: 'FINESS géographique (site, ET)' }),
    finessLegal: Type.Union([Str('810000018'), Type.Null()], {
      description: 'FINESS juridique (legal entity, EJ)',
    }),
    siret: Type.Union([Str('73282932000074'), Type.Null()]),
    siren: Type.Union([Str('732829320'), Type.Null()]),
    address: Type.Union([Str('12 boulevard des Lices'), Type.Null()]),
    postalCode: Type.Union([Str('81000'), Type.Null()]),
    city: Type.Union([Str('Albi'), Type.Null()]),
    departmentCode: Type.Union([Str('81'), Type.Null()]),
    region: Type.Union([Str('Occitanie'), Type.Null()]),
    phones: Type.Array(Str('+33563000000')),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Structure', title: 'Structure' },
)

const structureFields = {
  kind: Type.Enum(STRUCTURE_KINDS),
  name: Line(200, 'Cabinet médical des Lices'),
  finess: Finess,
  finessLegal: Finess,
  siret: Siret,
  address: Line(300, '12 boulevard des Lices'),
  postalCode: PostalCode,
  city: Line(100, 'Albi'),
  region: Line(100, 'Occitanie'),
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

/** A structure as other resources name it: enough for a person to tell which one. */
export const StructureSummary = Type.Object({
  id: UuidOf(EXAMPLE_ID.structure),
  name: Str('Cabinet médical des Lices'),
  city: Nullable(Str('Albi')),
  finess: Nullable(Str('810000018')),
  siret: Nullable(Str('73282932000074')),
})

/** The summary of the structure a joined row names (`structure_id`, `structure_name` and its columns). */
export const structureSummaryOf = (row: {
  structure_id: string
  structure_name: string
  city: string | null
  finess: string | null
  siret: string | null
}) => ({
  id: row.structure_id,
  name: row.structure_name,
  city: row.city,
  finess: row.finess,
  siret: row.siret,
})
