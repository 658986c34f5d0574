/**
 * The form names are searched in: lowercase, no accents, no apostrophes, hyphens as spaces, single
 * spaces. `Hélène` and `helene`, `Jean-Pierre` and `jean pierre`, `N'Diaye` and `ndiaye` meet.
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[‐-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}
