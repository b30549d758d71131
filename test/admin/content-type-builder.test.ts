import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { expectError, registerFirstAdmin, type AdminSession } from './helpers.js';

const GADGET = {
  kind: 'collectionType',
  collectionName: 'gadgets',
  info: { singularName: 'gadget', pluralName: 'gadgets', displayName: 'Gadget' },
  options: { draftAndPublish: false },
  attributes: { name: { type: 'string' } },
};
const BADGE = {
  collectionName: 'components_shared_badges',
  info: { displayName: 'Badge' },
  options: {},
  attributes: { label: { type: 'string' } },
};

/**
 * The builder's routes act on their own kind only. Strapi's content-type-builder controllers answer
 * 404 for a uid that is not one of theirs (`deleteComponent` looks the uid up in `strapi.components`,
 * `deleteContentType` in `strapi.contentTypes`), so a content type's uid under `/components` (or the
 * reverse) is a 404 there: it names nothing of that kind.
 */
describeEachDatabase('content-type builder: each route acts on its own kind', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    root = await registerFirstAdmin(t);
    const type = await call('POST', '/admin/api/content-types', {
      uid: 'api::gadget.gadget',
      definition: GADGET,
    });
    expect(type.status, type.body).toBe(201);
    const component = await call('POST', '/admin/api/components', { uid: 'shared.badge', definition: BADGE });
    expect(component.status, component.body).toBe(201);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url, body, auth: root.auth });
  const exists = () => {
    const schema = t.node.core.schema();
    return {
      gadget: schema.contentTypes.has('api::gadget.gadget'),
      badge: schema.components.has('shared.badge'),
    };
  };

  it('holds runtime types to the rules of schema files (so an exported type loads again)', async () => {
    const misspelt = await call('POST', '/admin/api/content-types', {
      uid: 'api::widget.widget',
      definition: {
        ...GADGET,
        collectionName: 'widgets',
        info: { singularName: 'widget', pluralName: 'widgets', displayName: 'Widget' },
        attributes: { name: { type: 'string', maxLenght: 20 } },
      },
    });
    expectError(misspelt, 400, 'ValidationError');
    expect(misspelt.json().error.message).toBe(
      'runtime type api::widget.widget: attribute "name": "maxLenght" is not a known key; did you mean `maxLength`?',
    );
    expect(t.node.core.schema().contentTypes.has('api::widget.widget')).toBe(false);
  });

  it('does not delete a content type through the components route, nor a component through the content-types route', async () => {
    const typeAsComponent = await call('DELETE', '/admin/api/components/api::gadget.gadget?confirm=true');
    expectError(typeAsComponent, 404, 'NotFoundError');
    expect(typeAsComponent.json().error.message).toBe('No component api::gadget.gadget');
    const componentAsType = await call('DELETE', '/admin/api/content-types/shared.badge?confirm=true');
    expectError(componentAsType, 404, 'NotFoundError');
    expect(componentAsType.json().error.message).toBe('No content type shared.badge');
    // Nor as a dry run, and nothing changed.
    expectError(await call('DELETE', '/admin/api/components/api::gadget.gadget?dryRun=true'), 404);
    expect(exists()).toEqual({ gadget: true, badge: true });
    expect((await t.request({ url: '/api/gadgets' })).status).toBe(200);

    // A file-defined content type under /components: 404 too (not the 409 "change its file").
    expectError(await call('DELETE', '/admin/api/components/api::article.article?confirm=true'), 404);
    expectError(await call('DELETE', '/admin/api/content-types/shared.seo?confirm=true'), 404);
  });

  it('refuses the other kind on create, read and update too', async () => {
    // A content type's uid sent to /components is about the uid's form (400), not a 409 "already exists".
    const created = await call('POST', '/admin/api/components', {
      uid: 'api::gadget.gadget',
      definition: BADGE,
    });
    expectError(created, 400, 'ValidationError');
    expect(created.json().error.message).toMatch(/component uid looks like/);
    expectError(
      await call('POST', '/admin/api/content-types', { uid: 'shared.badge', definition: GADGET }),
      400,
    );
    expectError(await call('GET', '/admin/api/components/api::gadget.gadget'), 404);
    expectError(await call('GET', '/admin/api/content-types/shared.badge'), 404);
    expectError(await call('PUT', '/admin/api/components/api::gadget.gadget', { definition: BADGE }), 404);
    expectError(await call('PUT', '/admin/api/content-types/shared.badge', { definition: GADGET }), 404);
    expect(exists()).toEqual({ gadget: true, badge: true });
  });

  it('checks the kind again in the runtime change, under the schema lock (whoever calls it)', async () => {
    // The routes look the uid up in their node's schema first; the change itself is checked against
    // the stored registry, so a caller that skips the routes (or races a change) cannot cross kinds.
    const change = (modelType: 'contentType' | 'component', uid: string) =>
      t.node.changeSchema({ kind: 'delete', modelType, uid }, { allowDestructive: true });
    await expect(change('component', 'api::gadget.gadget')).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No runtime component api::gadget.gadget',
    });
    await expect(change('contentType', 'shared.badge')).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(exists()).toEqual({ gadget: true, badge: true });
  });

  it('still deletes each through its own route', async () => {
    const badge = await call('DELETE', '/admin/api/components/shared.badge?confirm=true');
    expect(badge.status, badge.body).toBe(200);
    const gadget = await call('DELETE', '/admin/api/content-types/api::gadget.gadget?confirm=true');
    expect(gadget.status, gadget.body).toBe(200);
    expect(exists()).toEqual({ gadget: false, badge: false });
    expectError(await call('DELETE', '/admin/api/components/shared.badge?confirm=true'), 404);
  });
});
