import type { Authenticator } from '../auth/principal.js';
import type { Users } from '../auth/users-permissions/users.js';
import { FULL_ACCESS } from '../core/access.js';
import type { CoreContext } from '../core/context.js';
import { findDocuments } from '../core/documents/find.js';
import type { Document } from '../core/documents/serialize.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { Page } from './users.js';

const WITH_ROLE = { role: { fields: ['name', 'type'] } };

/** End users (Users & Permissions) as the admin sees them: listed, searched, blocked, moved between roles. */
export class EndUsers {
  constructor(
    private readonly core: CoreContext,
    private readonly users: Users,
    private readonly auth: Authenticator,
  ) {}

  /** A page of users by id; `q` searches their text attributes (never private or password ones), as `_q` does. */
  async list(options: { page: number; pageSize: number; q?: string }): Promise<Page<Document>> {
    const { data, pagination } = await findDocuments(this.core, this.users.type(), {
      params: {
        ...(options.q ? { _q: options.q } : {}),
        sort: ['id:asc'],
        populate: WITH_ROLE,
        pagination: { page: options.page, pageSize: options.pageSize, withCount: true },
      },
      access: FULL_ACCESS,
    });
    const meta = pagination as Page<Document>['pagination'];
    return {
      results: data,
      pagination: {
        page: meta.page,
        pageSize: meta.pageSize,
        pageCount: meta.pageCount,
        total: meta.total,
      },
    };
  }

  async get(id: number): Promise<Document> {
    return this.users.view(id, { populate: WITH_ROLE });
  }

  /**
   * Blocks or unblocks a user, or gives them another role (by the role's numeric id). This node
   * forgets its cached users at once, so a blocked user's JWT is refused here from the next request
   * (on other nodes within auth.permissionCacheTtlMs).
   */
  async update(id: number, changes: { blocked?: boolean; role?: number }): Promise<Document> {
    const user = await this.users.byId(id);
    if (!user) throw new NotFoundError('User not found');
    const data: Record<string, unknown> = {};
    if (changes.blocked !== undefined) data.blocked = changes.blocked;
    if (changes.role !== undefined) {
      const role = await this.users.roleDocumentId({ id: changes.role });
      if (!role)
        throw new ValidationError(`Unknown role id ${changes.role}`, {
          errors: [{ path: ['role'], message: `Unknown role id ${changes.role}`, name: 'ValidationError' }],
        });
      data.role = role;
    }
    if (Object.keys(data).length) await this.users.update(user, data);
    this.auth.forgetUsers();
    return this.get(id);
  }
}
