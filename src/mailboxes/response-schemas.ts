import { Type } from 'typebox'
import {
  DateTime,
  EXAMPLE_ACCESS_TOKEN,
  EXAMPLE_ID,
  EXAMPLE_RPPS,
  Nullable,
  Str,
  UuidOf,
} from '../shared/examples.ts'
import { EXAMPLE_INVITATION_ID, EXAMPLE_MSSANTE_ADDRESS, Kind, MailboxId, Role, Status } from './schemas.ts'

/** What the mailbox operations answer (their inputs are in `schemas.ts`). */

const Profession = Type.Object({ code: Str('21'), label: Str('Pharmacien') })

export const Mailbox = Type.Object(
  {
    id: MailboxId,
    kind: Kind,
    status: Status,
    statusReason: Nullable(Str('FINESS inconnu de l’annuaire')),
    mssanteAddress: Nullable(Str(EXAMPLE_MSSANTE_ADDRESS, { description: 'Null until validated' })),
    contactEmail: Nullable(Str('pharmacie-du-centre-albi@example.org')),
    name: Str('Pharmacie du Centre'),
    commercialName: Nullable(Str('Pharmacie du Vigan')),
    service: Nullable(Str('Officine')),
    description: Nullable(Str('Pharmacie du Centre, 81000 Albi')),
    establishment: Nullable(
      Type.Object({
        identifierType: Type.Enum(['finess', 'siret', 'siren'] as const),
        identifier: Str('810000018'),
      }),
    ),
    postalAddress: Nullable(
      Type.Object({ line: Str('12 place du Vigan'), postalCode: Str('81000'), city: Str('Albi') }),
    ),
    region: Type.Object({ code: Str('76'), name: Str('Occitanie') }),
    department: Nullable(Str('81')),
    phones: Type.Array(Str('+33563541234')),
    responsible: Type.Object({
      civility: Nullable(Type.Enum(['M', 'MME'] as const)),
      firstName: Str('Claire'),
      lastName: Str('Martin'),
      profession: Profession,
      rpps: Nullable(Str(EXAMPLE_RPPS)),
    }),
    preferences: Type.Object({ paperless: Type.Boolean(), listed: Type.Boolean() }),
    closeRequestedAt: Nullable(DateTime),
    createdAt: DateTime,
    validatedAt: Nullable(DateTime),
    activatedAt: Nullable(DateTime),
  },
  { $id: 'Mailbox', title: 'Mailbox' },
)

export const MyMailbox = Type.Object({
  id: MailboxId,
  kind: Kind,
  status: Status,
  name: Str('Pharmacie du Centre'),
  mssanteAddress: Nullable(Str(EXAMPLE_MSSANTE_ADDRESS)),
  role: Role,
})

export const Member = Type.Object({
  accountId: UuidOf(EXAMPLE_ID.account),
  civility: Type.Enum(['M', 'MME'] as const),
  firstName: Str('Claire'),
  lastName: Str('Martin'),
  role: Role,
  since: DateTime,
})

export const Invitation = Type.Object({
  id: UuidOf(EXAMPLE_INVITATION_ID),
  mailbox: Type.Object({ id: MailboxId, kind: Kind, name: Str('Pharmacie du Centre') }),
  role: Role,
  expiresAt: DateTime,
})

export const StatusChange = Type.Object({
  id: MailboxId,
  status: Status,
  mssanteAddress: Nullable(Str(EXAMPLE_MSSANTE_ADDRESS)),
})

export const SwitchToken = Type.Object({
  accessToken: Str(EXAMPLE_ACCESS_TOKEN, {
    description: 'ES256 JWT, 5 minutes: sub the mailbox, mailbox_address, act.sub the person (RFC 8693)',
  }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds', examples: [300] }),
})

export const DirectoryEntry = Type.Object({
  id: MailboxId,
  kind: Kind,
  mssanteAddress: Str(EXAMPLE_MSSANTE_ADDRESS),
  name: Str('Pharmacie du Centre'),
  commercialName: Nullable(Str('Pharmacie du Vigan')),
  service: Nullable(Str('Officine')),
  description: Nullable(Str('Pharmacie du Centre, 81000 Albi')),
  postalAddress: Nullable(
    Type.Object({ line: Str('12 place du Vigan'), postalCode: Str('81000'), city: Str('Albi') }),
  ),
  department: Nullable(Str('81')),
  phones: Type.Array(Str('+33563541234')),
})

/** What the support desk sees beside a mailbox: the establishment as the FINESS directory knows it. */
export const DirectoryEstablishmentView = Nullable(
  Type.Object({
    finess: Str('810000018'),
    finessLegal: Nullable(Str('810000010')),
    siret: Nullable(Str('73282932000074')),
    name: Str('PHARMACIE DU CENTRE'),
    address: Nullable(Str('12 PL DU VIGAN')),
    postalCode: Nullable(Str('81000')),
    city: Nullable(Str('ALBI')),
  }),
)

export const SupportMailbox = Type.Object({
  mailbox: Type.Ref('Mailbox'),
  inDirectory: DirectoryEstablishmentView,
})
