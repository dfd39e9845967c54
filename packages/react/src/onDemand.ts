// What the main entry loads on demand (its lazy panels and the template picker's dialog), in one module
// so a bundler makes one chunk of it: it loads once, when the first of them shows. Measured against a
// chunk per panel, the initial load is 1 KB smaller (fewer chunks shared with the entry) and the whole
// kit 1.9 KB (bench/src/bundles.ts); '@pagedesk/react/toolkit' exports the panels eagerly.
export { ChannelSettings } from './ChannelSettings.js';
export { CommentModeration } from './CommentModeration.js';
export { CustomerPanel } from './CustomerPanel.js';
export { Lightbox } from './Lightbox.js';
export { TemplatePickerPopup } from './TemplatePickerPopup.js';
export { ThreadOwner } from './ThreadOwner.js';
