// Resolving docker's --user (name|uid[:group|gid]) against the image's /etc/passwd and /etc/group.
// Pure over the files' text, so it is unit-tested without a rootfs.
import { UserError } from "../common/errors.ts";

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

function entries(text: string): string[][] {
  return text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(":"));
}

export function resolveUser(spec: string, passwd: string, group: string): ResolvedUser {
  const [given = "", groupPart] = spec.split(":");
  const userPart = given || "0"; // no user: root, with root's passwd entry (home, groups)
  const users = entries(passwd);
  const groups = entries(group);
  let uid: number;
  let gid = 0;
  let name: string | undefined;
  let home = "/";
  const numeric = /^\d+$/.test(userPart);
  const u = users.find((e) => (numeric ? e[2] === userPart : e[0] === userPart));
  if (u) {
    uid = Number(u[2]);
    gid = Number(u[3]);
    name = u[0];
    home = u[5] || "/";
  } else if (numeric) {
    uid = Number(userPart);
  } else {
    throw new UserError(`unable to find user ${userPart}: no matching entries in passwd file`, 125);
  }
  if (groupPart !== undefined && groupPart !== "") {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((e) => e[0] === groupPart);
      if (!g) throw new UserError(`unable to find group ${groupPart}: no matching entries in group file`, 125);
      gid = Number(g[2]);
    }
  }
  const additionalGids = name
    ? groups.filter((g) => (g[3] ?? "").split(",").includes(name!) && Number(g[2]) !== gid).map((g) => Number(g[2]))
    : [];
  return { uid, gid, additionalGids, home };
}

/**
 * --group-add: a gid, or a group name from the image's /etc/group (docker's lookup and message);
 * appended to the user's supplementary groups, each once.
 */
export function addGroups(user: ResolvedUser, add: string[] | null | undefined, group: string): ResolvedUser {
  if (!add?.length) return user;
  const groups = entries(group);
  const gids = add.map((g) => {
    if (/^\d+$/.test(g)) return Number(g);
    const e = groups.find((x) => x[0] === g);
    if (!e) throw new UserError(`Unable to find group ${g}: no matching entries in group file`, 125);
    return Number(e[2]);
  });
  return { ...user, additionalGids: [...new Set([...user.additionalGids, ...gids])] };
}
