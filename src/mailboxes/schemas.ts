import { Type } from 'typebox'
import { EXAMPLE_PROOF, EXAMPLE_RPPS, Nullable, UuidOf } from '../shared/examples.ts'
import { DEPARTMENT_CODES, REGION_CODES } from '../shared/regions.ts'
import { Line, Lines } from '../shared/text.ts'

export const EXAMPLE_MAILBOX_ID = 'b3a1c2d4-e5f6-4a7b-8c9d-0e1f2a3b4c5e'
export const EXAMPLE_INVITATION_ID = 'c8d9e0f1-a2b3-4c4d-9e5f-6a7b8c9d0e1f'
export const EXAMPLE_MSSANTE_ADDRESS = 'pharmacie.du.centre.81000.albi@pharmacien.oc.mssante.fr'

const strict = { additionalProperties: false } as const

export const MAILBOX_KINDS = ['ORG', 'PER', 'INT'] as const
export const MAILBOX_STATUSES = [
  'pending_validation',
  'validated',
  'active',
  'suspended',
  'closed',
  'rejected',
] as const
export const MAILBOX_ROLES = ['manager', 'member'] as const

export const MailboxId = UuidOf(EXAMPLE_MAILBOX_ID)
export const Kind = Type.Enum(MAILBOX_KINDS, {
  description: 'ORG organisational (shared), PER personal (RPPS), INT internal (awaiting an RPPS)',
})
export const Status = Type.Enum(MAILBOX_STATUSES)
export const Role = Type.Enum(MAILBOX_ROLES)
const Region = Type.Enum(REGION_CODES, { description: 'INSEE code of one of the 18 regions (76: Occitanie)' })
const Department = Type.Enum(DEPARTMENT_CODES, { description: 'Department code (81, 2A, 974…)' })
const PostalCode = Type.String({ pattern: '^[0-9]{5}$', examples: ['81000'] })
const ProfessionCode = Type.String({
  pattern: '^[0-9]{2}$',
  description: 'National profession code (GET /v1/professions)',
  examples: ['21'],
})
const Description = Line(500, 'Pharmacie du Centre, 81000 Albi', {
  description: 'Service, structure, city, postal code: what makes the box findable in the directory',
})
const Service = Line(200, 'Officine', { description: 'Service de rattachement' })
const Phones = Type.Array(Line(30, '05 63 54 12 34'), {
  maxItems: 2,
  description: 'E.164 or French national format; stored as E.164',
})

export const Preferences = Type.Object(
  {
    paperless: Type.Optional(Type.Boolean({ description: 'Dématérialisation; true unless told' })),
    listed: Type.Optional(
      Type.Boolean({ description: 'Shown in the directory once active; true unless told' }),
    ),
  },
  strict,
)

const PostalAddressInput = Type.Object(
  { line: Line(300, '12 place du Vigan'), postalCode: PostalCode, city: Line(100, 'Albi') },
  strict,
)

const ResponsibleInput = Type.Object(
  {
    civility: Type.Optional(Type.Enum(['M', 'MME'] as const)),
    firstName: Line(100, 'Claire'),
    lastName: Line(100, 'Martin'),
    professionCode: ProfessionCode,
    rpps: Line(20, EXAMPLE_RPPS),
  },
  strict,
)

const establishmentFields = {
  identifierType: Type.Enum(['finess', 'siret', 'siren'] as const, {
    description: 'finess: the FINESS géographique (preferred); else siret or siren',
  }),
  identifier: Line(20, '810000018'),
  name: Line(200, 'Pharmacie du Centre', { description: 'Raison sociale' }),
  commercialName: Line(200, 'Pharmacie du Vigan', { description: 'Enseigne' }),
  postalAddress: PostalAddressInput,
  region: Region,
  department: Department,
  responsible: ResponsibleInput,
}

export const NewMailbox = Type.Object(
  {
    kind: Kind,
    contactEmailProof: Type.Optional(
      Line(200, EXAMPLE_PROOF, {
        minLength: 20,
        description: 'ORG: a proof of the generic address (purpose mailbox_contact)',
      }),
    ),
    description: Type.Optional(Description),
    identifierType: Type.Optional(establishmentFields.identifierType),
    identifier: Type.Optional(establishmentFields.identifier),
    name: Type.Optional(establishmentFields.name),
    commercialName: Type.Optional(establishmentFields.commercialName),
    service: Type.Optional(Service),
    postalAddress: Type.Optional(PostalAddressInput),
    region: Region,
    department: Type.Optional(Department),
    phones: Type.Optional(Phones),
    responsible: Type.Optional(ResponsibleInput),
    preferences: Type.Optional(Preferences),
  },
  {
    ...strict,
    description:
      'ORG: every establishment field marked required in the manual (contactEmailProof, description, identifierType, identifier, name, postalAddress, responsible). PER and INT: the identity comes from the account; region and preferences only.',
    examples: [
      {
        kind: 'ORG',
        contactEmailProof: EXAMPLE_PROOF,
        description: 'Pharmacie du Centre, 81000 Albi',
        identifierType: 'finess',
        identifier: '810000018',
        name: 'Pharmacie du Centre',
        service: 'Officine',
        postalAddress: { line: '12 place du Vigan', postalCode: '81000', city: 'Albi' },
        region: '76',
        phones: ['05 63 54 12 34'],
        responsible: {
          civility: 'MME',
          firstName: 'Claire',
          lastName: 'Martin',
          professionCode: '21',
          rpps: EXAMPLE_RPPS,
        },
        preferences: { paperless: true, listed: true },
      },
      { kind: 'PER', region: '76', preferences: { listed: true } },
    ],
  },
)
export type NewMailboxInput = Type.Static<typeof NewMailbox>

export const MailboxChanges = Type.Object(
  {
    description: Type.Optional(Description),
    service: Type.Optional(Nullable(Service)),
    phones: Type.Optional(Phones),
    preferences: Type.Optional(Preferences),
  },
  { ...strict, minProperties: 1 },
)
export type MailboxChangesInput = Type.Static<typeof MailboxChanges>

export const EstablishmentChanges = Type.Object(
  {
    identifierType: Type.Optional(establishmentFields.identifierType),
    identifier: Type.Optional(establishmentFields.identifier),
    name: Type.Optional(establishmentFields.name),
    commercialName: Type.Optional(Nullable(establishmentFields.commercialName)),
    postalAddress: Type.Optional(PostalAddressInput),
    region: Type.Optional(Region),
    department: Type.Optional(Department),
    responsible: Type.Optional(ResponsibleInput),
  },
  { ...strict, minProperties: 1 },
)
export type EstablishmentChangesInput = Type.Static<typeof EstablishmentChanges>

export const Reason = (description: string, example: string) =>
  Lines(1000, example, { description, nonBlank: true })

export const ValidationDecision = Type.Object(
  {
    decision: Type.Enum(['validate', 'reject'] as const),
    reason: Type.Optional(Reason('Why; required to reject, mailed to the managers', 'FINESS vérifié')),
    mssanteAddress: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description:
          'Instead of the derived address: checked the same way (alphabet, length, domain, never used)',
        examples: [EXAMPLE_MSSANTE_ADDRESS],
      }),
    ),
  },
  strict,
)
