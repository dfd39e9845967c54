import type { Meta, StoryObj } from '@storybook/react-vite';
import type { FakeParameters } from '../.storybook/fixtures.js';
import { Composer } from './Composer.js';
import { useComposerContext } from './ComposerParts.js';

// A host's own composer assembled from the parts: a one-line input with the send button beside it,
// a characters-left count of its own, the template picker, and no quick replies.

function CharactersLeft() {
  const { composer } = useComposerContext();
  const left = composer.length.limit - composer.length.length;
  return (
    <output className="pd-counter" data-over={left < 0 || undefined}>
      {left}
    </output>
  );
}

function CompactComposer(props: { conversationId: string }) {
  return (
    <Composer.Root conversationId={props.conversationId}>
      <Composer.Status />
      <Composer.Attachments />
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <Composer.AttachFiles />
        <Composer.Input rows={1} placeholder="Reply, or / for a template" style={{ flex: 1 }} />
        <CharactersLeft />
        <Composer.TemplatePicker />
        <Composer.Send className="pd-button">Send ↵</Composer.Send>
      </div>
    </Composer.Root>
  );
}

const meta = {
  title: 'Inbox/Composer/Custom from parts',
  component: CompactComposer,
  args: { conversationId: 'conv-2' },
  parameters: {
    fake: {
      conversations: 8,
      templates: [
        {
          id: 'hours',
          name: 'Opening hours',
          channelIds: null,
          parts: [{ text: 'We are open Monday to Saturday, 9:00 to 18:00.' }],
          createdAt: 0,
          updatedAt: 0,
        },
      ],
    } satisfies FakeParameters,
  },
  decorators: [
    (Story) => (
      <div style={{ marginTop: 'auto', paddingTop: 240 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof CompactComposer>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Compact: Story = {};

/** The same parts on a closed window: the status part says why, the input and send are disabled. */
export const CompactClosed: Story = { args: { conversationId: 'conv-6' } };
