import { describe, expect, it } from 'vitest';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import { customerDisplayName } from '../modelRules.js';
import { testEntities } from '../testing.js';

async function setup() {
  const store = memoryStore();
  await store.channels.put(testEntities.channel());
  await store.customers.put(testEntities.customer({ firstName: 'Ana' }));
  let at = 1000;
  const inbox = createInbox({ store, now: () => at++ });
  return { store, inbox };
}

describe('inbox.updateCustomerDetails', () => {
  it('sets, keeps and clears fields, stamps who and when, and emits customer:updated', async () => {
    const { inbox } = await setup();
    const heard: unknown[] = [];
    inbox.on('customer:updated', ({ customer }) => heard.push(customer.details));
    const id = testEntities.customer().id;
    await inbox.updateCustomerDetails(id, { email: 'ana@example.com', notes: 'VIP' }, 'agent-1');
    const next = await inbox.updateCustomerDetails(id, { notes: null, phone: ' +1 555 0100 ' });
    expect(next.details).toEqual({ email: 'ana@example.com', phone: '+1 555 0100', updatedAt: 1001 });
    expect(next.firstName).toBe('Ana');
    expect(heard).toEqual([
      { email: 'ana@example.com', notes: 'VIP', updatedAt: 1000, updatedBy: 'agent-1' },
      next.details,
    ]);
  });

  it('loses neither change when a profile lookup saves at the same moment', async () => {
    const { inbox, store } = await setup();
    const id = testEntities.customer().id;
    const readBefore = (await store.customers.get(id))!;
    await Promise.all([
      inbox.updateCustomerDetails(id, { name: 'Annie' }),
      // A profile refresh built from a read taken before the details changed.
      inbox.updateCustomer({ ...readBefore, avatarUrl: 'https://cdn.example/a.png' }),
    ]);
    const after = (await store.customers.get(id))!;
    expect(after.avatarUrl).toBe('https://cdn.example/a.png');
    expect(after.details?.name).toBe('Annie');
  });

  it('refuses an unknown customer and bad input, naming the field', async () => {
    const { inbox } = await setup();
    await expect(inbox.updateCustomerDetails('PAGE_1:nobody', { notes: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      inbox.updateCustomerDetails(testEntities.customer().id, { email: 'nope' } as never),
    ).rejects.toThrow(/email/);
    await expect(
      inbox.updateCustomerDetails(testEntities.customer().id, { firstName: 'X' } as never),
    ).rejects.toThrow(/firstName/);
  });
});

describe('inbox.recordBlocked', () => {
  it('records and clears the block; a later profile save keeps it', async () => {
    const { inbox, store } = await setup();
    const id = testEntities.customer().id;
    const readBefore = (await store.customers.get(id))!;
    await inbox.recordBlocked(id, { at: 5, by: 'ana' });
    await inbox.updateCustomer({ ...readBefore, avatarUrl: 'https://cdn.example/b.png' });
    expect((await store.customers.get(id))?.blocked).toEqual({ at: 5, by: 'ana' });
    const cleared = await inbox.recordBlocked(id, null);
    expect(cleared).not.toHaveProperty('blocked');
    expect(cleared.avatarUrl).toBe('https://cdn.example/b.png');
  });
});

describe('customerDisplayName', () => {
  it("prefers the agents' name, then Meta's name, full name, @username", () => {
    expect(customerDisplayName({ name: 'Ana Maria', details: { name: 'Ana', updatedAt: 0 } })).toBe('Ana');
    expect(customerDisplayName({ name: 'Ana Maria' })).toBe('Ana Maria');
    expect(customerDisplayName({ firstName: 'Ana', lastName: 'Lima' })).toBe('Ana Lima');
    expect(customerDisplayName({ username: 'ana' })).toBe('@ana');
    expect(customerDisplayName({})).toBeUndefined();
  });
});
