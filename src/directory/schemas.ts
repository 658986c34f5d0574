import { Type } from 'typebox'
import { DateTime, EXAMPLE_ID, EXAMPLE_RPPS, Nullable, Str, UuidOf } from '../shared/examples.ts'

const CodeLabel = (code: string, label: string) => Type.Object({ code: Str(code), label: Str(label) })

export const DirectoryActivity = Type.Object({
  profession: CodeLabel('10', 'Médecin'),
  category: Nullable(Str('C')),
  mode: Nullable(CodeLabel('L', 'Libéral, indépendant, artisan, commerçant')),
  structureName: Nullable(Str('Cabinet médical des Lices')),
  finess: Nullable(Str('810000018')),
  finessLegal: Nullable(Str('810000018')),
  siret: Nullable(Str('73282932000074')),
  address: Nullable(Str('12 boulevard des Lices')),
  postalCode: Nullable(Str('81000')),
  city: Nullable(Str('Albi')),
  departmentCode: Nullable(Str('81')),
})

export const DirectoryProfessional = Type.Object(
  {
    rpps: Str(EXAMPLE_RPPS, { description: 'Identifiant PP (RPPS, or ADELI when idType is 0)' }),
    idType: Str('8', { description: '8: RPPS, 0: ADELI' }),
    nationalId: Str(`8${EXAMPLE_RPPS}`, { description: 'IdNat_PS' }),
    civility: CodeLabel('MME', 'Madame'),
    practiceCivility: CodeLabel('DR', 'Docteur'),
    lastName: Str('MARTIN'),
    firstName: Str('Claire'),
    activities: Type.Array(DirectoryActivity),
  },
  { $id: 'DirectoryProfessional', title: 'DirectoryProfessional' },
)

export const DirectoryEstablishment = Type.Object(
  {
    finess: Str('810000018', { description: 'FINESS géographique (ET)' }),
    finessLegal: Nullable(Str('810000026', { description: 'FINESS juridique (EJ)' })),
    name: Str('CENTRE DE SANTE DES LICES'),
    address: Nullable(Str('12 BD DES LICES')),
    postalCode: Nullable(Str('81000')),
    city: Nullable(Str('ALBI')),
    departmentCode: Nullable(Str('81')),
    phone: Nullable(Str('0563000000')),
    category: Nullable(CodeLabel('124', 'Centre de Santé')),
    siret: Nullable(Str('73282932000074')),
    location: Nullable(
      Type.Object(
        {
          x: Type.Number({ examples: [632310.4] }),
          y: Type.Number({ examples: [6312487.9] }),
          system: Str('Lambert-93', {
            description:
              'The system of x and y, as the extract names it per line: `Lambert-93` (metropolitan France, ' +
              'Corsica), `UTM 20N` (Antilles), `UTM 21N` (Saint-Pierre-et-Miquelon), `UTM 22N` (Guyane), ' +
              '`UTM 38S` (Mayotte), `UTM 40S` (La Réunion); another name as written',
          }),
          epsg: Nullable(Type.Integer({ examples: [2154], description: 'EPSG code of the system' })),
          latitude: Nullable(Type.Number({ examples: [43.908146], description: 'WGS 84, degrees' })),
          longitude: Nullable(Type.Number({ examples: [2.157397], description: 'WGS 84, degrees' })),
        },
        {
          description:
            'Where the establishment is: its coordinates as the extract gives them, and in WGS 84 (what map ' +
            'libraries take), null when the system is unknown',
        },
      ),
    ),
  },
  { $id: 'DirectoryEstablishment', title: 'DirectoryEstablishment' },
)

export const ImportReport = Type.Object({
  id: UuidOf(EXAMPLE_ID.job),
  kind: Type.Union([Type.Literal('rpps'), Type.Literal('finess')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  source: Str('upload (application/zip)'),
  linesRead: Type.Integer({ examples: [2412] }),
  imported: Type.Integer({ examples: [2410] }),
  rejected: Type.Integer({ examples: [2] }),
  rejections: Type.Array(
    Type.Object({
      line: Type.Integer({ examples: [1187] }),
      reason: Str('structureet line: expected 32 fields, found 31'),
    }),
    { description: 'The first 1000 rejected lines' },
  ),
  error: Nullable(Str('The file is not a FINESS extract')),
  startedAt: DateTime,
  finishedAt: Nullable(Type.String({ format: 'date-time', examples: ['2026-11-24T09:31:12.000Z'] })),
})
