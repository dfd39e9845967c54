// The conversation's on-demand parts, in one module so that the main entry's lazy wrappers (and the
// template picker's dialog) load them as one chunk when the first of them shows.
export { CommentModeration } from './CommentModeration.js';
export { CustomerPanel } from './CustomerPanel.js';
export { Lightbox } from './Lightbox.js';
export { TemplatePickerPopup } from './TemplatePickerPopup.js';
export { ThreadOwner } from './ThreadOwner.js';
