import { describe, expect, it } from '@jest/globals';
import { instructionOf, toImageLayer } from './image-history.js';

describe('image history', () => {
  it('shows the instruction a legacy build recorded as a shell command', () => {
    expect(instructionOf('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(instructionOf('/bin/sh -c #(nop) ADD file:abc in / ')).toBe('ADD file:abc in /');
    expect(instructionOf('/bin/sh -c echo hi > /x')).toBe('RUN echo hi > /x');
    expect(instructionOf('RUN /bin/sh -c apk add curl # buildkit')).toBe(
      'RUN /bin/sh -c apk add curl # buildkit',
    );
    expect(instructionOf('')).toBe('');
  });

  it('marks layers that add no files as empty', () => {
    const layer = toImageLayer({
      Id: '<missing>',
      Created: 1_700_000_000,
      CreatedBy: '/bin/sh -c #(nop)  LABEL a=b',
      Tags: null,
      Size: 0,
      Comment: '',
    });
    expect(layer).toEqual({
      id: '<missing>',
      createdBy: 'LABEL a=b',
      size: 0,
      createdAt: '2023-11-14T22:13:20.000Z',
      empty: true,
      tags: [],
      comment: '',
    });
  });
});
