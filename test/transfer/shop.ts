import { expect } from 'vitest';
import { png, upload } from '../media/helpers.js';
import type { TestNode } from '../helpers/node.js';

/**
 * The shop app of the Strapi fixture (test/fixtures/strapi-export/app: categories, products with a
 * component, a repeatable component, a dynamic zone, media and relations, a homepage single type),
 * filled through the REST API with the kinds of content the fixture archive holds: files with formats,
 * users, published documents with a newer draft, draft-only documents, relations to users and files,
 * media inside a component.
 */
export const SHOP_APP = '../strapi-export/app';

export interface Shop {
  readonly files: { hammer: number; saw: number; manual: number };
  readonly users: { alice: number; bob: number };
  readonly categories: { tools: string; books: string; secret: string };
  readonly products: { hammer: string; saw: string; novel: string; prototype: string };
}

export async function seedShop(t: TestNode): Promise<Shop> {
  const send = async (method: 'POST' | 'PUT', url: string, body: unknown) => {
    const res = await t.request({ method, url, body });
    expect(res.status, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const uploaded = async (
    filename: string,
    data: Buffer | string,
    type: string,
    info: Record<string, string>,
  ) => {
    const res = await upload(t, [{ filename, data, type }], { fileInfo: JSON.stringify(info) });
    expect(res.status, res.body).toBe(201);
    return Number(res.json()[0].id);
  };
  const files = {
    hammer: await uploaded('hammer.png', await png(600, 400), 'image/png', {
      alternativeText: 'A red hammer',
      caption: 'Hammer photo',
    }),
    saw: await uploaded('saw.png', await png(300, 200), 'image/png', { alternativeText: 'A green saw' }),
    manual: await uploaded('manual.txt', 'Read me before hitting things.\n', 'text/plain', {
      caption: 'Manual',
    }),
  };
  const user = async (username: string) =>
    Number(
      (
        await send('POST', '/api/users', {
          username,
          email: `${username}@example.com`,
          password: `${username}-secret-1`,
          confirmed: true,
        })
      ).id,
    );
  const users = { alice: await user('alice'), bob: await user('bob') };

  const doc = async (url: string, data: unknown) =>
    (await send('POST', url, { data })).data.documentId as string;
  const categories = {
    tools: await doc('/api/categories', { name: 'Tools', code: 'tools' }),
    books: await doc('/api/categories', { name: 'Books', code: 'books' }),
    secret: await doc('/api/categories?status=draft', { name: 'Secret', code: 'secret' }),
  };
  // A published category whose draft moved on.
  await send('PUT', `/api/categories/${categories.books}?status=draft`, { data: { name: 'Books & Media' } });

  const hammer = await doc('/api/products', {
    title: 'Hammer',
    sku: 'H-1',
    price: 19.99,
    stock: 11,
    description: 'A solid hammer.',
    secretNote: 'cost 7',
    body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hits nails.' }] }],
    tags: ['tool', 'steel'],
    releaseDate: '2024-03-01',
    active: true,
    kind: 'physical',
    category: categories.tools,
    author: users.alice,
    cover: files.hammer,
    gallery: [files.hammer, files.saw],
    seo: { metaTitle: 'Hammer | Shop', metaDescription: 'Buy a hammer', shareImage: files.hammer },
    variants: [
      { name: 'Small', color: 'red', extraPrice: 0 },
      { name: 'Large', color: 'black', extraPrice: 5.5 },
    ],
    blocks: [
      { __component: 'shared.quote', text: 'Best hammer ever', author: 'Alice' },
      { __component: 'shared.rich-text', body: '## Specs\n\n* steel head' },
    ],
  });
  const saw = await doc('/api/products', {
    title: 'Saw',
    sku: 'S-1',
    price: 24,
    category: categories.tools,
    author: users.bob,
    cover: files.saw,
    seo: { metaTitle: 'Saw | Shop', metaDescription: 'A saw', shareImage: files.saw },
    blocks: [{ __component: 'shared.quote', text: 'Sharp!', author: 'Bob' }],
  });
  await send('PUT', `/api/products/${saw}?status=draft`, { data: { title: 'Saw v2', price: 26 } });
  const novel = await doc('/api/products', {
    title: 'Novel',
    kind: 'physical',
    category: categories.books,
    related: [hammer],
    cover: files.manual,
  });
  const prototype = await doc('/api/products?status=draft', {
    title: 'Prototype',
    category: categories.secret,
    related: [hammer, novel],
  });
  await send('PUT', '/api/homepage', {
    data: {
      headline: 'Welcome to the shop',
      hero: { metaTitle: 'Home', metaDescription: 'The fixture shop', shareImage: files.hammer },
      featured: [hammer, novel],
      featuredCategory: categories.tools,
    },
  });
  return { files, users, categories, products: { hammer, saw, novel, prototype } };
}
