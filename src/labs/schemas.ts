import { Type } from 'typebox'
import { DateTime, EXAMPLE_ID, Nullable, Str, UuidOf } from '../shared/examples.ts'
import { Line } from '../shared/text.ts'
import { Finess, PostalCode, Siret, StructureSummary } from '../structures/schemas.ts'

export const LabId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,39}$', examples: ['biomnis'] })
const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'
export const Code = Type.String({ pattern: CODE_PATTERN, examples: ['C012345'] })
const CenterCode = Type.String({ pattern: CODE_PATTERN, examples: ['ALB01'] })

export const LabCenter = Type.Object({
  id: UuidOf(EXAMPLE_ID.labCenter),
  code: Str('ALB01'),
  name: Str('Biomnis Albi Lices'),
  address: Nullable(Str('3 place du Vigan')),
  postalCode: Nullable(Str('81000')),
  city: Nullable(Str('Albi')),
})

export const Lab = Type.Object({
  id: Str('biomnis'),
  name: Str('Biomnis'),
  requiresCorrespondentCode: Type.Boolean(),
  centers: Type.Array(LabCenter),
})

export const LabSettings = Type.Object(
  { name: Line(120, 'Biomnis'), requiresCorrespondentCode: Type.Boolean() },
  { additionalProperties: false },
)

export const CorrespondentLookup = Type.Object({
  code: Str('C012345'),
  lab: Type.Object({ id: Str('biomnis'), name: Str('Biomnis') }),
  center: Nullable(
    Type.Object({ id: Str(EXAMPLE_ID.labCenter), code: Str('ALB01'), name: Str('Biomnis Albi Lices') }),
  ),
  structure: StructureSummary,
})

export const CenterItem = Type.Object(
  {
    code: CenterCode,
    name: Line(200, 'Biomnis Albi Lices'),
    address: Type.Optional(Line(300, '3 place du Vigan')),
    postalCode: Type.Optional(PostalCode),
    city: Type.Optional(Line(100, 'Albi')),
  },
  { additionalProperties: false },
)

export const CorrespondentItem = Type.Object(
  {
    code: Code,
    name: Line(200, 'Dr Claire Martin'),
    centerCode: Type.Optional(CenterCode),
    active: Type.Boolean(),
    structure: Type.Object(
      {
        finess: Type.Optional(Finess),
        siret: Type.Optional(Siret),
        name: Line(200, 'Cabinet médical des Lices'),
        address: Type.Optional(Line(300, '12 boulevard des Lices')),
        postalCode: Type.Optional(PostalCode),
        city: Type.Optional(Line(100, 'Albi')),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const Batch = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems: number) =>
  Type.Object({ items: Type.Array(item, { minItems: 1, maxItems }) }, { additionalProperties: false })

export const SyncResult = Type.Object({
  created: Type.Integer({ minimum: 0, examples: [2] }),
  updated: Type.Integer({ minimum: 0, examples: [1] }),
  unchanged: Type.Integer({ minimum: 0, examples: [118] }),
})

export const LinkStatus = Type.Enum(['linked', 'pending_link', 'rejected'] as const, {
  description:
    '`linked`: the code works. `pending_link`: its structure is not yet one the lab serves (created by the lab’s own sync, named by one of its linked codes, or where a practice place works with one of its centres): the support desk decides, and until then the code does not work. `rejected`: the support desk refused the link.',
  examples: ['linked'],
})

export const CorrespondentSyncResult = Type.Object({
  ...SyncResult.properties,
  pendingLink: Type.Integer({
    minimum: 0,
    examples: [1],
    description: 'Codes of the batch waiting for the support desk to link their structure',
  }),
})

export const Correspondent = Type.Object({
  code: Str('C012345'),
  name: Str('Dr Claire Martin'),
  centerCode: Nullable(Str('ALB01')),
  active: Type.Boolean(),
  linkStatus: LinkStatus,
  structureId: UuidOf(EXAMPLE_ID.structure),
  updatedAt: DateTime,
  deactivatedAt: Nullable(DateTime),
})

export type CenterItemInput = Type.Static<typeof CenterItem>
export type CorrespondentItemInput = Type.Static<typeof CorrespondentItem>
