import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createElement, version } from 'react';
import { version as domVersion } from 'react-dom';
import { describe, expect, it } from 'vitest';

// Runs in the `react` project (React 19) and the `react18` project (React 18.3, compat/react18): each
// must be on the React it claims, with one React instance shared by React DOM and the libraries.

describe('the React this project runs on', () => {
  it('is one React, the same for react, react-dom and what testing-library renders with', () => {
    expect(domVersion).toBe(version);
    expect(new QueryClient()).toBeTruthy();
    const { container } = render(createElement('span', null, version));
    expect(container.textContent).toBe(version);
    expect(version.split('.')[0]).toBe(process.env.PAGEDESK_REACT_MAJOR);
  });
});
