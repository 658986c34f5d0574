import { foldText } from '../shared/word-search.ts'

/**
 * How the directory sorts names, and how services compare: folded as word search folds them (case,
 * accents and ligatures aside), every run of other characters one space.
 */
export const sortName = (name: string) =>
  foldText(name)
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
    .join(' ')
