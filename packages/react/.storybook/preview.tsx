import type { Preview } from '@storybook/react-vite';
import '../src/styles/index.css';
import { withPagedesk } from './fixtures.js';

const preview: Preview = {
  decorators: [withPagedesk],
  globalTypes: {
    theme: {
      description: 'Color scheme of the components',
      toolbar: { title: 'Theme', icon: 'contrast', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  parameters: {
    layout: 'fullscreen',
    // Stories fail the accessibility panel's checks loudly instead of only listing them.
    a11y: { test: 'error' },
  },
};

export default preview;
