import { withLuhnCheckDigit } from '../../src/identifiers/rules.ts'
import type { CenterItemInput, CorrespondentItemInput } from '../../src/labs/schemas.ts'

// The demo data: one lab with two centres, two practices known to it by correspondent codes, and the
// people a front-end developer signs in as. Every one of them has the same known password; the second
// factor is the code emailed at each sign-in.

/** Known to every reader of the README: never use it outside a development machine. */
export const DEMO_PASSWORD = 'Lilas-bleus-du-Tarn-2026'

export const DEMO_LAB = {
  id: 'labo-demo',
  name: 'Laboratoire de démonstration',
  requiresCorrespondentCode: true,
}

export const DEMO_CENTERS: CenterItemInput[] = [
  {
    code: 'ALBI',
    name: 'Labo démo Albi Lices',
    address: '3 place du Vigan',
    postalCode: '81000',
    city: 'Albi',
  },
  {
    code: 'CASTRES',
    name: 'Labo démo Castres',
    address: '12 place Jean Jaurès',
    postalCode: '81100',
    city: 'Castres',
  },
]

export const DEMO_CORRESPONDENTS: CorrespondentItemInput[] = [
  {
    code: 'DEMO-LICES',
    name: 'Cabinet médical des Lices',
    centerCode: 'ALBI',
    active: true,
    structure: {
      finess: withLuhnCheckDigit('81000900'),
      name: 'Cabinet médical des Lices',
      address: '12 boulevard des Lices',
      postalCode: '81000',
      city: 'Albi',
    },
  },
  {
    code: 'DEMO-CASTRES',
    name: 'Maison de santé de Castres',
    centerCode: 'CASTRES',
    active: true,
    structure: {
      finess: withLuhnCheckDigit('81000901'),
      name: 'Maison de santé de Castres',
      address: '4 rue Villegoudou',
      postalCode: '81100',
      city: 'Castres',
    },
  },
]

export interface DemoPerson {
  role: 'support agent' | 'doctor' | 'secretary'
  email: string
  civility: 'M' | 'MME'
  firstName: string
  lastName: string
}

export const DEMO_SUPPORT: DemoPerson = {
  role: 'support agent',
  email: 'agent@sesame.demo',
  civility: 'M',
  firstName: 'Hugo',
  lastName: 'Lefebvre',
}

/** A general practitioner at the Cabinet médical des Lices, validated, with results and invoices. */
export const DEMO_DOCTOR: DemoPerson & { rpps: string } = {
  role: 'doctor',
  email: 'claire.martin@sesame.demo',
  civility: 'MME',
  firstName: 'Claire',
  lastName: 'Martin',
  rpps: withLuhnCheckDigit('1000090000'),
}

/** Her secretary: results approved by the doctor, invoices asked and waiting for her. */
export const DEMO_SECRETARY: DemoPerson & { accountTitle: string } = {
  role: 'secretary',
  email: 'julie.bernard@sesame.demo',
  civility: 'MME',
  firstName: 'Julie',
  lastName: 'Bernard',
  accountTitle: 'Secrétariat du Dr Martin',
}
