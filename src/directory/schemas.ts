import { Type } from 'typebox'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(type: T) =>
  Type.Union([type, Type.Null()])
const CodeLabel = Type.Object({ code: Type.String(), label: Type.String() })

export const DirectoryActivity = Type.Object({
  profession: CodeLabel,
  category: Nullable(Type.String()),
  mode: Nullable(CodeLabel),
  structureName: Nullable(Type.String()),
  finess: Nullable(Type.String()),
  finessLegal: Nullable(Type.String()),
  siret: Nullable(Type.String()),
  address: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  city: Nullable(Type.String()),
  departmentCode: Nullable(Type.String()),
})

export const DirectoryProfessional = Type.Object(
  {
    rpps: Type.String({ description: 'Identifiant PP (RPPS, or ADELI when idType is 0)' }),
    idType: Type.String({ description: '8: RPPS, 0: ADELI' }),
    nationalId: Type.String({ description: 'IdNat_PS' }),
    civility: CodeLabel,
    practiceCivility: CodeLabel,
    lastName: Type.String(),
    firstName: Type.String(),
    activities: Type.Array(DirectoryActivity),
  },
  { $id: 'DirectoryProfessional', title: 'DirectoryProfessional' },
)

export const DirectoryEstablishment = Type.Object(
  {
    finess: Type.String({ description: 'FINESS géographique (ET)' }),
    finessLegal: Nullable(Type.String({ description: 'FINESS juridique (EJ)' })),
    name: Type.String(),
    address: Nullable(Type.String()),
    postalCode: Nullable(Type.String()),
    city: Nullable(Type.String()),
    departmentCode: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    category: Nullable(CodeLabel),
    siret: Nullable(Type.String()),
    location: Nullable(
      Type.Object({ x: Type.Number(), y: Type.Number(), system: Type.Literal('Lambert-93') }),
    ),
  },
  { $id: 'DirectoryEstablishment', title: 'DirectoryEstablishment' },
)

export const ImportReport = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('rpps'), Type.Literal('finess')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  source: Type.String(),
  linesRead: Type.Integer(),
  imported: Type.Integer(),
  rejected: Type.Integer(),
  rejections: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
    description: 'The first 1000 rejected lines',
  }),
  error: Nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
})
