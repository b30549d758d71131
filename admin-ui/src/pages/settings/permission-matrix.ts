/** The content API's actions arranged as a matrix: one row per content type, one column per verb. */
export const VERBS = ['find', 'findOne', 'create', 'update', 'delete'] as const;

export interface MatrixRow {
  /** `api::article.article` */
  readonly uid: string;
  /** verb → full action name, for the verbs this type has (single types have no findOne/create). */
  readonly actions: Partial<Record<(typeof VERBS)[number], string>>;
}

export function toMatrix(actions: readonly string[]): { rows: MatrixRow[]; other: string[] } {
  const rows = new Map<string, Record<string, string>>();
  const other: string[] = [];
  for (const action of actions) {
    const dot = action.lastIndexOf('.');
    const uid = action.slice(0, dot);
    const verb = action.slice(dot + 1);
    if (uid.startsWith('api::') && (VERBS as readonly string[]).includes(verb)) {
      if (!rows.has(uid)) rows.set(uid, {});
      rows.get(uid)![verb] = action;
    } else other.push(action);
  }
  return { rows: [...rows].map(([uid, actions]) => ({ uid, actions })), other };
}
