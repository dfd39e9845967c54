import { describe, expectTypeOf, it } from 'vitest';
import * as main from '../index.js';
import * as toolkit from '../toolkit.js';

// The main entry's lazy parts take exactly the props of the components they load.
describe('lazy panels of the main entry', () => {
  it('have the props of the toolkit entry’s components', () => {
    expectTypeOf(main.ChannelSettings).parameter(0).toEqualTypeOf<main.ChannelSettingsProps>();
    expectTypeOf(toolkit.ChannelSettings).parameter(0).toEqualTypeOf<main.ChannelSettingsProps>();
    expectTypeOf(main.CustomerPanel).parameter(0).toEqualTypeOf<toolkit.CustomerPanelProps>();
    expectTypeOf(toolkit.CustomerPanel).parameter(0).toEqualTypeOf<toolkit.CustomerPanelProps>();
    expectTypeOf(main.CommentModeration).parameter(0).toEqualTypeOf<toolkit.CommentModerationProps>();
    expectTypeOf(toolkit.CommentModeration).parameter(0).toEqualTypeOf<toolkit.CommentModerationProps>();
    expectTypeOf(main.ThreadOwner).parameter(0).toEqualTypeOf<toolkit.ThreadOwnerProps>();
    expectTypeOf(toolkit.ThreadOwner).parameter(0).toEqualTypeOf<toolkit.ThreadOwnerProps>();
    expectTypeOf(main.Lightbox).parameter(0).toEqualTypeOf<toolkit.LightboxProps>();
    expectTypeOf(toolkit.Lightbox).parameter(0).toEqualTypeOf<toolkit.LightboxProps>();
  });
});
