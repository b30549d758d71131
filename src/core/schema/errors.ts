/** A schema file (or runtime definition) that cannot be loaded; the message names the file and attribute. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}
