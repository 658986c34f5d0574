import { describe, expect, it } from 'vitest'
import { oneLine, quoted, quotedBlock } from '../../src/notifications/quoting.ts'
import { requestValidators } from '../../src/plugins/validation.ts'
import { Line, Lines } from '../../src/shared/text.ts'

const { bodies } = requestValidators()
const line = bodies.compile(Line(100, 'Claire'))
const lines = bodies.compile(Lines(100, 'Pièce illisible'))
const nonBlank = bodies.compile(Lines(100, 'Pièce illisible', { nonBlank: true }))

describe('text schemas', () => {
  it.each([
    ['Claire', true, true],
    ['Ève-Marie d’Arc', true, true],
    ['Médecin 🩺 généraliste', true, true],
    ['deux\nlignes', false, true],
    ['une\ttabulation', false, true],
    ['fin de ligne\r\nWindows', false, true],
    ['retour\rseul', false, false],
    ['nul\u0000', false, false],
    ['\u0001début', false, false],
    ['échappement \u001b[2J', false, false],
    ['suppression\u007f', false, false],
    ['C1 \u0085 NEL', false, false],
    ['C1 \u009b CSI', false, false],
    ['', false, false],
  ])('%j: single line %s, multi-line %s', (value, asLine, asLines) => {
    expect(line(value)).toBe(asLine)
    expect(lines(value)).toBe(asLines)
  })

  it('can require a character that is not a space', () => {
    expect(nonBlank('  \n\t ')).toBe(false)
    expect(nonBlank(' \nmotif')).toBe(true)
    expect(nonBlank('motif\u0000')).toBe(false)
  })
})

describe('typed text in emails', () => {
  it.each([
    ['Claire', 'Claire'],
    ['Claire\nVotre code : 123456', 'Claire Votre code : 123456'],
    ['Cabinet\u2028des Lices\u0000', 'Cabinet des Lices'],
  ])('%j inline is %j', (value, expected) => {
    expect(oneLine(value)).toBe(expected)
    expect(quoted(value, 'fr')).toBe(`« ${expected} »`)
    expect(quoted(value, 'en')).toBe(`“${expected}”`)
  })

  it('marks every line of a block, whatever breaks it', () => {
    expect(quotedBlock('un\n\ndeux\r\ntrois\rquatre\u2028cinq\u0085six\tsept')).toBe(
      '> un\n>\n> deux\n> trois\n> quatre\n> cinq\n> six sept',
    )
  })
})
