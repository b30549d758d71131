import { z } from 'zod';
import { API_TOKEN_TYPES } from '../../auth/api-tokens.js';

// Request bodies of the admin API. Strict: an unknown key is a 400 naming it. Rules that need the
// database or the schema (unique emails, known actions, password strength) are checked by src/admin.

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const name = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const optionalName = name.nullable().optional();
const email = text(255);
const password = text(1024);
const id = z.number().int().min(1).max(2_147_483_647);

export const registerAdminBody = z.strictObject({
  email,
  password,
  firstname: optionalName,
  lastname: optionalName,
});

export const loginBody = z.strictObject({
  email: text(255),
  password: text(1024),
  // Sent by Strapi's admin UI; sessions last refreshTokenDays either way.
  rememberMe: z.boolean().optional(),
});

export const refreshBody = z.strictObject({ refreshToken: text(200) });
export const logoutBody = z.strictObject({ refreshToken: text(200).optional() });

export const createUserBody = z.strictObject({
  email,
  password,
  firstname: optionalName,
  lastname: optionalName,
  isActive: z.boolean().optional(),
  roles: z.array(id).min(1, 'must name at least one role').max(100),
});

export const updateUserBody = z.strictObject({
  email: email.optional(),
  password: password.optional(),
  firstname: optionalName,
  lastname: optionalName,
  isActive: z.boolean().optional(),
  blocked: z.boolean().optional(),
  roles: z.array(id).min(1, 'must name at least one role').max(100).optional(),
});

export const updateMeBody = z.strictObject({
  email: email.optional(),
  firstname: optionalName,
  lastname: optionalName,
  password: password.optional(),
  currentPassword: password.optional(),
});

export const createRoleBody = z.strictObject({
  name: text(100).trim().min(1, 'must not be empty'),
  description: text(1000).nullable().optional(),
});

export const updateRoleBody = createRoleBody.partial();

export const rolePermissionsBody = z.strictObject({
  permissions: z
    .array(
      z.strictObject({
        action: text(200),
        subject: text(200).nullable().optional(),
        conditions: z.array(text(200)).max(20).optional(),
      }),
    )
    .max(2000),
});

const grant = z.union([
  text(200),
  z.strictObject({
    action: text(200),
    conditions: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
]);

export const createEndUserRoleBody = z.strictObject({
  name: text(100),
  description: text(1000).nullable().optional(),
  type: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'must be lowercase letters, digits, - and _')
    .optional(),
  permissions: z.array(grant).max(2000).optional(),
});

export const updateEndUserRoleBody = createEndUserRoleBody.omit({ type: true }).partial();

export const createApiTokenBody = z.strictObject({
  name: text(100),
  description: text(1000).nullable().optional(),
  type: z.enum(API_TOKEN_TYPES as [string, ...string[]]),
  permissions: z.array(text(200)).max(2000).optional(),
  // Milliseconds (as Strapi's admin sends it); null or absent: the token never expires.
  lifespan: z
    .number()
    .int()
    .min(1)
    .max(100 * 365 * 24 * 3600 * 1000)
    .nullable()
    .optional(),
});

export const updateApiTokenBody = createApiTokenBody.omit({ lifespan: true }).partial();

export const updateEndUserBody = z.strictObject({
  blocked: z.boolean().optional(),
  role: id.optional(),
});

/** Grants as the admin API takes them: an action name, or `{ action, conditions }`. */
export function grantsOf(
  permissions: readonly z.infer<typeof grant>[],
): { action: string; conditions?: Record<string, unknown> | null }[] {
  return permissions.map((g) => (typeof g === 'string' ? { action: g } : g));
}
