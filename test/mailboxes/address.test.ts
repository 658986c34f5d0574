import { describe, expect, it } from 'vitest'
import {
  type AddressSource,
  addressProblem,
  candidateAddress,
  deriveAddress,
  domainFor,
  MAX_LOCAL_PART,
} from '../../src/mailboxes/address.ts'

const org = (name: string, postalCode: string, city: string): AddressSource => ({
  kind: 'ORG',
  name,
  postalCode,
  city,
})
const per = (firstName: string, lastName: string): AddressSource => ({ kind: 'PER', firstName, lastName })
const DOMAIN = 'pharmacien.oc.mssante.fr'

describe('the MSSanté address derived from a mailbox', () => {
  it.each([
    ['the manual’s pharmacy', org('Pharmacie du Centre', '81000', 'Albi'), 'pharmacie.du.centre.81000.albi'],
    [
      'accents and ligatures',
      org('Pharmacie Hélène Bœuf', '31000', 'Toulouse'),
      'pharmacie.helene.boeuf.31000.toulouse',
    ],
    [
      'an apostrophe',
      org("Pharmacie de l'Église", '13001', 'Marseille'),
      'pharmacie.de.l.eglise.13001.marseille',
    ],
    [
      'a typographic apostrophe',
      org('Pharmacie de l’Étoile', '75017', 'Paris'),
      'pharmacie.de.l.etoile.75017.paris',
    ],
    [
      'hyphens and runs of signs',
      org('Centre  Médico-Social -- (CMS)', '59650', 'Villeneuve-d’Ascq'),
      'centre.medico.social.cms.59650.villeneuve.d.ascq',
    ],
    [
      'signs at both ends',
      org('« Pharmacie du Lac » !', '66000', 'Perpignan'),
      'pharmacie.du.lac.66000.perpignan',
    ],
    ['Corse-du-Sud', org('Pharmacie du Port', '20000', 'Ajaccio'), 'pharmacie.du.port.20000.ajaccio'],
    [
      'Haute-Corse',
      org('Pharmacie Saint-Nicolas', '20200', 'Bastia'),
      'pharmacie.saint.nicolas.20200.bastia',
    ],
    [
      'Martinique',
      org('Pharmacie de la Savane', '97200', 'Fort-de-France'),
      'pharmacie.de.la.savane.97200.fort.de.france',
    ],
    [
      'La Réunion',
      org('Pharmacie du Barachois', '97400', 'Saint-Denis'),
      'pharmacie.du.barachois.97400.saint.denis',
    ],
    [
      'Mayotte',
      org('Pharmacie de Mamoudzou', '97600', 'Mamoudzou'),
      'pharmacie.de.mamoudzou.97600.mamoudzou',
    ],
    ['a person', per('Claire', 'Martin'), 'claire.martin'],
    ['a person with a compound first name', per('Jean-François', 'Lefèvre'), 'jean.francois.lefevre'],
    ['a person with an apostrophe', per('Aïssatou', "N'Diaye"), 'aissatou.n.diaye'],
    ['a person with spaces around', per('  Éloïse ', ' Le Goff  '), 'eloise.le.goff'],
    [
      'a long name, shortened first',
      org(
        'Pharmacie mutualiste et centre de santé pluriprofessionnel universitaire du Grand Albigeois',
        '81000',
        'Albi',
      ),
      'pharmacie.mutualiste.et.centre.de.sante.pluriprofessi.81000.albi',
    ],
    [
      'a long city, once the name is down to a letter',
      org('Cabinet', '12270', 'Saint-Rémy-de-la-Très-Longue-Vallée-du-Viaur-et-des-Causses-du-Ségala'),
      'c.12270.saint.remy.de.la.tres.longue.vallee.du.viaur.et.des.caus',
    ],
    [
      'a long person’s name, the first name shortened first',
      per('Marie-Bernadette-Hélène-Geneviève-Françoise', 'De La Tour d’Auvergne-Lauraguais'),
      'marie.bernadette.helene.genevie.de.la.tour.d.auvergne.lauraguais',
    ],
  ])('%s', (_case, source, local) => {
    const address = deriveAddress(source, DOMAIN, new Set())
    expect(address).toBe(`${local}@${DOMAIN}`)
    expect(local.length).toBeLessThanOrEqual(MAX_LOCAL_PART)
    expect(local).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)*$/)
  })

  it.each([
    ['the address is free', [], 'pharmacie.du.centre.81000.albi'],
    ['it was reserved once', [1], 'pharmacie.du.centre.81000.albi.2'],
    ['it and .2 were', [1, 2], 'pharmacie.du.centre.81000.albi.3'],
    ['only .2 was', [2], 'pharmacie.du.centre.81000.albi'],
  ])('on collision: %s', (_case, taken, local) => {
    const source = org('Pharmacie du Centre', '81000', 'Albi')
    const reserved = new Set(taken.map((n) => candidateAddress(source, DOMAIN, n)))
    expect(deriveAddress(source, DOMAIN, reserved)).toBe(`${local}@${DOMAIN}`)
  })

  it('a long name that collides is shortened further, so that its suffix fits in 64 characters', () => {
    const source = org(
      'Pharmacie mutualiste et centre de santé pluriprofessionnel du Grand Albigeois',
      '81000',
      'Albi',
    )
    const first = candidateAddress(source, DOMAIN, 1)
    const second = deriveAddress(source, DOMAIN, new Set([first]))
    expect(second).toBe(`pharmacie.mutualiste.et.centre.de.sante.pluriprofes.81000.albi.2@${DOMAIN}`)
    expect(second.split('@')[0]).toHaveLength(MAX_LOCAL_PART)
    const twelfth = candidateAddress(source, DOMAIN, 12)
    expect(twelfth.split('@')[0]).toMatch(/\.81000\.albi\.12$/)
    expect(twelfth.split('@')[0]!.length).toBeLessThanOrEqual(MAX_LOCAL_PART)
  })
})

describe('an address typed by the support desk', () => {
  const domains = ['oc.mssante.fr', DOMAIN]
  it.each([
    ['pharmacie.centre.albi@pharmacien.oc.mssante.fr', undefined],
    ['secretariat@oc.mssante.fr', undefined],
    ['Pharmacie.Centre@oc.mssante.fr', 'lower-case'],
    ['pharmacie..centre@oc.mssante.fr', 'single dots'],
    ['.pharmacie@oc.mssante.fr', 'single dots'],
    ['pharmacie-centre@oc.mssante.fr', 'lower-case letters and digits'],
    [`${'a'.repeat(65)}@oc.mssante.fr`, 'at most 64'],
    ['pharmacie@gmail.com', 'operator’s domains'],
    ['@oc.mssante.fr', 'lower-case'],
  ])('%s', (address, problem) => {
    const found = addressProblem(address, domains)
    if (problem === undefined) expect(found).toBeUndefined()
    else expect(found).toContain(problem)
  })
})

describe('the domain of a mailbox', () => {
  const config = {
    MSSANTE_DOMAIN: 'oc.mssante.fr',
    MSSANTE_DOMAINS_BY_PROFESSION: { '21': 'pharmacien.oc.mssante.fr' },
  }
  it.each([
    ['21', 'pharmacien.oc.mssante.fr'],
    ['10', 'oc.mssante.fr'],
    [null, 'oc.mssante.fr'],
  ])('for a responsible of profession %s: %s', (profession, domain) => {
    expect(domainFor(profession, config)).toBe(domain)
  })
})
