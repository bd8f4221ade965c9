import { describe, expect, it } from '@jest/globals';
import { serviceLine } from './service-logs.js';

describe('serviceLine', () => {
  const slots = new Map<string, number | null>([['t1', 2]]);

  it('takes the task, node and replica off a line of the merged log', () => {
    expect(
      serviceLine(
        {
          stream: 'stdout',
          time: '2026-12-05T16:33:44.843975529Z',
          text: 'com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 hello world',
        },
        slots,
      ),
    ).toEqual({
      stream: 'stdout',
      time: '2026-12-05T16:33:44.843975529Z',
      text: 'hello world',
      taskId: 't1',
      nodeId: 'n1',
      slot: 2,
    });
  });

  it('keeps a line without details whole, and an unknown task without a replica', () => {
    expect(serviceLine({ stream: 'stderr', text: 'a=b is not a detail' }, slots)).toMatchObject({
      text: 'a=b is not a detail',
      taskId: null,
    });
    expect(
      serviceLine({ stream: 'stdout', text: 'com.docker.swarm.task.id=t9 x' }, slots),
    ).toMatchObject({ text: 'x', taskId: 't9', slot: null });
  });
});
