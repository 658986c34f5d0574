import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readFinessFile } from '../../src/directory/finess-file.ts'

const SELESTAT = [
  'structureet',
  '670780337',
  '670780055',
  'CH SELESTAT',
  'CENTRE HOSPITALIER DE SÉLESTAT',
  '',
  '',
  '23',
  'AV',
  'PIERRE BRAUN',
  'B',
  'BP 40229',
  '462',
  '67',
  'BAS-RHIN',
  '67606 SELESTAT CEDEX',
  '0388579055',
  '0388579000',
  '355',
  'Centre Hospitalier (C.H.)',
  '1102',
  'Centres Hospitaliers',
  '26670005100018',
  '8610Z',
  '03',
  'ARS établissements Publics de santé dotation globale',
  '1',
  'Etablissement public de santé',
  '1974-03-01',
  '1974-03-01',
  '2024-01-02',
  '',
].join(';')

const AJACCIO = [
  'structureet',
  '2A0000154',
  '2A0000014',
  'CH AJACCIO',
  "Hôpital de la Miséricorde d'Ajaccio",
  '',
  '',
  '27',
  'AV',
  'IMPERATRICE EUGENIE',
  '',
  '',
  '004',
  '2A',
  'CORSE-DU-SUD',
  '20000 AJACCIO',
  '0495295090',
  '',
  '355',
  'Centre Hospitalier (C.H.)',
  '1102',
  'Centres Hospitaliers',
  '',
  '8610Z',
  '03',
  '',
  '1',
  '',
  '1960-01-01',
  '1960-01-01',
  '2023-11-20',
  '',
].join(';')

const SHORT_NAME_ONLY = SELESTAT.replace('CENTRE HOSPITALIER DE SÉLESTAT', '').replace(
  '670780337',
  '670000017',
)

function file(lines: string[], lineEnd = '\n'): Buffer {
  return Buffer.from(lines.join(lineEnd) + lineEnd, 'latin1')
}

async function read(bytes: Buffer, chunkSize = bytes.length) {
  const chunks = []
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize))
  const records = []
  for await (const record of readFinessFile(Readable.from(chunks))) records.push(record)
  return records
}

describe('reading a FINESS etalab extract', () => {
  const bytes = file([
    'finess;etalab;95;2024-01-05',
    SELESTAT,
    AJACCIO,
    SHORT_NAME_ONLY,
    'structureet;670000025;CH TROP COURT',
    'geolocalisation;670780337;1034521.4;6799612.9;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2024-01-02',
    'geolocalisation;2A0000154;1177889;6105432.5;2,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2024-01-02',
    'geolocalisation;670000017;;6799612.9;1,ATLASANTE;2024-01-02',
    'geolocalisation;670000017;12,5;6799612.9;1,ATLASANTE;2024-01-02',
    'geolocalisation;670000017;1;2',
    'equipementsocial;670780337;1',
  ])

  it('decodes ISO-8859-1 and maps the establishments', async () => {
    const [selestat, ajaccio, shortNameOnly] = await read(bytes)
    expect(selestat).toEqual({
      kind: 'establishment',
      line: 2,
      finess: '670780337',
      finessLegal: '670780055',
      name: 'CENTRE HOSPITALIER DE SÉLESTAT',
      shortName: 'CH SELESTAT',
      address: '23 AV PIERRE BRAUN B, BP 40229',
      postalCode: '67606',
      city: 'SELESTAT CEDEX',
      departmentCode: '67',
      departmentLabel: 'BAS-RHIN',
      phone: '0388579055',
      fax: '0388579000',
      categoryCode: '355',
      categoryLabel: 'Centre Hospitalier (C.H.)',
      siret: '26670005100018',
      openedOn: '1974-03-01',
      updatedOn: '2024-01-02',
    })
    expect(ajaccio).toMatchObject({
      finess: '2A0000154',
      name: "Hôpital de la Miséricorde d'Ajaccio",
      address: '27 AV IMPERATRICE EUGENIE',
      postalCode: '20000',
      city: 'AJACCIO',
      departmentCode: '2A',
      siret: '',
    })
    expect(shortNameOnly).toMatchObject({ line: 4, name: 'CH SELESTAT', shortName: 'CH SELESTAT' })
  })

  it('streams geolocations after the establishments and rejects bad lines', async () => {
    const records = (await read(bytes, 13)).slice(3)
    expect(records).toEqual([
      { kind: 'rejected', line: 5, reason: 'structureet line: expected 32 fields, found 3' },
      {
        kind: 'geolocation',
        line: 6,
        finess: '670780337',
        x: 1034521.4,
        y: 6799612.9,
        source: '1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93',
        system: 'LAMBERT_93',
      },
      expect.objectContaining({
        kind: 'geolocation',
        line: 7,
        finess: '2A0000154',
        x: 1177889,
        y: 6105432.5,
      }),
      { kind: 'rejected', line: 8, reason: 'non-numeric coordinates "", "6799612.9"' },
      { kind: 'rejected', line: 9, reason: 'non-numeric coordinates "12,5", "6799612.9"' },
      { kind: 'rejected', line: 10, reason: 'geolocalisation line: expected 6 fields, found 4' },
      { kind: 'rejected', line: 11, reason: 'unknown line type "equipementsocial"' },
    ])
  })

  it('accepts CRLF line ends', async () => {
    const records = await read(file(['finess;etalab;95;2024-01-05', AJACCIO], '\r\n'))
    expect(records).toEqual([
      expect.objectContaining({ kind: 'establishment', line: 2, updatedOn: '2023-11-20' }),
    ])
  })

  it('refuses a file without the metadata line', async () => {
    await expect(read(file([SELESTAT]))).rejects.toThrow('not a FINESS etalab extract')
    await expect(read(Buffer.alloc(0))).rejects.toThrow('not a FINESS etalab extract')
  })
})
