// The chat page's satisfaction-survey card (Messenger's Customer Feedback Template as the customer
// sees it): heading, question, one button per score, an optional comment box, and the privacy link.
// Browser code as text, spliced into chatPage.ts's script, where `el`, `api`, `safeUrl` and `state`
// live. Texts are set with textContent, like every other part of the page.

export const surveyCss = `
.survey { border: 1px solid var(--border); border-radius: 14px; padding: 10px 12px; display: flex; flex-direction: column; gap: 6px; max-width: 320px; }
.survey .title { font-weight: 600; }
.survey .scores { display: flex; flex-wrap: wrap; gap: 4px; }
.survey .scores button { padding: 4px 10px; }
.survey a { font-size: 11px; color: var(--muted); }
`;

export const surveyScript = `
  const SURVEY_SCALES = { csat: [1, 5], nps: [0, 10], ces: [1, 7] };
  const surveyDrafts = {};
  function renderSurvey(m) {
    const s = m.survey;
    const [min, max] = SURVEY_SCALES[s.type] || [1, 5];
    // The thread re-renders on every live event: the comment being typed is kept per survey.
    const comment = s.followUp ? el('input', { type: 'text', placeholder: 'Tell us more (optional)', 'data-testid': 'survey-comment', 'aria-label': 'Comment', on: { input: (e) => { surveyDrafts[m.mid] = e.target.value; } } }) : null;
    if (comment) comment.value = surveyDrafts[m.mid] || '';
    const answer = (score) => api('POST', '/customers/' + encodeURIComponent(state.current) + '/survey', { mid: m.mid, score, ...(comment && comment.value.trim() ? { text: comment.value } : {}) }).catch(() => {});
    const scores = [];
    for (let n = min; n <= max; n++) scores.push(el('button', { type: 'button', 'data-testid': 'survey-score', 'aria-label': 'Score ' + n, text: String(n), on: { click: () => answer(n) } }));
    const privacy = safeUrl(s.privacyUrl);
    return el('div', { class: 'survey', 'data-testid': 'survey' }, [
      el('div', { class: 'title', text: s.title }),
      s.subtitle ? el('div', { text: s.subtitle }) : null,
      el('div', { text: s.question || (s.type === 'nps' ? 'How likely are you to recommend us to a friend?' : s.type === 'ces' ? 'How easy was it to solve your problem today?' : 'How would you rate your experience?') }),
      s.answeredAt ? el('div', { 'data-testid': 'survey-done', text: 'Thanks for your feedback' }) : el('div', { class: 'scores' }, scores),
      s.answeredAt ? null : comment,
      privacy ? el('a', { href: privacy, target: '_blank', rel: 'noopener noreferrer', text: 'Privacy policy' }) : null,
    ]);
  }
`;
