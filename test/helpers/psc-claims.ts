/** The people a test's Pro Santé Connect knows, and what its userinfo says of them (PSC's shape). */
export interface PscActivity {
  numeroFinessSite?: string
  numeroSiretSite?: string
  raisonSocialeSite: string
  numeroVoie?: string
  libelleVoie?: string
  codePostal?: string
  bureauCedex?: string
}

export interface PscPerson {
  /** `8` + RPPS for RPPS holders. */
  nationalId: string
  givenName: string
  familyName: string
  civility?: string
  practiceCivility?: string
  profession?: string
  activities?: PscActivity[]
}

/** The claims PSC's userinfo answers for a person (fields PSC leaves empty are empty strings). */
export function pscClaims(person: PscPerson, sub: string) {
  return {
    sub,
    preferred_username: person.nationalId,
    SubjectNameID: person.nationalId,
    given_name: person.givenName,
    family_name: person.familyName,
    codeCivilite: person.civility ?? '',
    SubjectRefPro: {
      codeCivilite: person.civility ?? '',
      exercices: [
        {
          codeProfession: person.profession ?? '10',
          codeCategorieProfessionnelle: 'C',
          codeCiviliteDexercice: person.practiceCivility ?? '',
          nomDexercice: person.familyName,
          prenomDexercice: person.givenName,
          activities: (person.activities ?? []).map((activity) => ({
            codeModeExercice: 'L',
            codeSecteurDactivite: 'SA07',
            numeroFinessSite: '',
            numeroSiretSite: '',
            complementDestinataire: '',
            indiceRepetitionVoie: '',
            codeTypeDeVoie: 'R',
            codePays: '99000',
            ...activity,
          })),
        },
      ],
    },
    otherIds: [{ identifiant: person.nationalId, origine: 'RPPS', qualite: 1 }],
  }
}
