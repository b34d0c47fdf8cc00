/**
 * Who may see or change what: the one place these rules live. The front end gathers the facts
 * (who is asking, their roles, the server's owner) and the service asks here.
 */
import { ForbiddenError } from '../errors.js';

/** Who is asking. Managers see and change every automation of their server; others only their own. */
export interface Actor {
  userId: string;
  guildId: string | null;
  manager: boolean;
}

/** What is known about a person when they ask, before deciding whether they are a manager. */
export interface ActorFacts {
  userId: string;
  guildId: string | null;
  roleIds: readonly string[];
  /** The server's owner, when known: they always count as a manager of their own server. */
  guildOwnerId: string | null;
}

/** The configured access: OWNER_IDS and MANAGER_ROLE_ID. */
export interface AccessConfig {
  ownerIds: readonly string[];
  managerRoleId: string | undefined;
}

/** The actor behind `facts`: a manager when listed in OWNER_IDS, holding MANAGER_ROLE_ID, or owning the server. */
export function actorFrom(facts: ActorFacts, config: AccessConfig): Actor {
  const manager =
    config.ownerIds.includes(facts.userId) ||
    (config.managerRoleId !== undefined && facts.roleIds.includes(config.managerRoleId)) ||
    (facts.guildOwnerId !== null && facts.guildOwnerId === facts.userId);
  return { userId: facts.userId, guildId: facts.guildId, manager };
}

/** Whether the actor may see (and so act on) an automation: its owner, or a manager of its server. Deleted ones are seen by nobody. */
export function canSee(actor: Actor, automation: { userId: string; guildId: string | null; status: string }): boolean {
  if (automation.status === 'deleted') return false;
  return automation.userId === actor.userId || isManagerOf(actor, automation.guildId);
}

/** Whether the actor manages `guildId` (a manager asking from that same server). */
export function isManagerOf(actor: Actor, guildId: string | null): boolean {
  return actor.manager && actor.guildId !== null && guildId === actor.guildId;
}

export type Scope = { userId: string } | { guildId: string };

/**
 * Whose automations a question covers. `all` from a manager is their server's; from anyone else
 * it narrows to their own, and `narrowed` says so (the reply tells them).
 */
export function listScope(actor: Actor, all: boolean): { scope: Scope; everyone: boolean; narrowed: boolean } {
  if (all && actor.manager && actor.guildId !== null) return { scope: { guildId: actor.guildId }, everyone: true, narrowed: false };
  return { scope: { userId: actor.userId }, everyone: false, narrowed: all };
}

/** Whether per-person caps (MAX_AUTOMATIONS_PER_USER) spare the actor: managers, and so OWNER_IDS, are exempt. */
export function exemptFromQuotas(actor: Actor): boolean {
  return actor.manager;
}

/** Throws ForbiddenError ("only managers can …") unless the actor is a manager. */
export function requireManager(actor: Actor, action: string): void {
  if (!actor.manager) throw new ForbiddenError(action);
}

/**
 * Why an interaction from `guildId` is refused before anything else, or null: Steward works in
 * servers, not DMs, and only in GUILD_ID when one is configured.
 */
export function placeRefusal(guildId: string | null, configuredGuildId: string | undefined): string | null {
  if (guildId === null) return 'Steward works in its server, not in direct messages: use the commands there.';
  if (configuredGuildId && guildId !== configuredGuildId) return 'Steward is not set up for this server.';
  return null;
}
