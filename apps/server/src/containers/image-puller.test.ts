import { describe, expect, it } from '@jest/globals';
import { withDefaultTag } from '@berth/shared';

// The reference `ImagePuller.pull` asks the engine for, and announces in its progress events.
describe('withDefaultTag', () => {
  it.each([
    ['busybox', 'busybox:latest'],
    ['EVIL/x', 'EVIL/x:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/team/app', '127.0.0.1:5000/team/app:latest'],
    ['localhost:5000', 'localhost:5000'],
    ['127.0.0.1:5000/team/app:1.0', '127.0.0.1:5000/team/app:1.0'],
    [`busybox@sha256:${'a'.repeat(64)}`, `busybox@sha256:${'a'.repeat(64)}`],
    ['docker/Docker', 'docker/Docker'],
  ])('%s → %s', (image, pulled) => {
    expect(withDefaultTag(image)).toBe(pulled);
  });
});
