/**
 * The file itself is at fault (not a readable zip, not a directory extract): its message is written
 * for the person who sent it, and an import's report shows it. Any other failure is ours: the report
 * says so without the cause, which goes to the log.
 */
export class DirectoryFileError extends Error {
  override readonly name = 'DirectoryFileError'
}
