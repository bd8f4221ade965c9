import { z } from 'zod';

export const ZTeamName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(64, 'at most 64 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._ -]*$/, 'letters, digits, space, dot, dash and underscore');

export const ZCreateTeamRequest = z.object({ name: ZTeamName });
export type TCreateTeamRequest = z.infer<typeof ZCreateTeamRequest>;

export const ZAddTeamMemberRequest = z.object({ userId: z.string().trim().min(1, 'required') });
export type TAddTeamMemberRequest = z.infer<typeof ZAddTeamMemberRequest>;

export const ZTeamMember = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
});
export type TTeamMember = z.infer<typeof ZTeamMember>;

export const ZTeam = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(ZTeamMember),
  createdAt: z.string(),
});
export type TTeam = z.infer<typeof ZTeam>;
