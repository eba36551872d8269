// Which files a topology may make rc-policy read. The topology comes from a pull request; without
// this, `file: ../../../../home/runner/.ssh/id_rsa` or a committed symlink to /proc/self/environ
// would make rc-policy open files outside the checkout, and a message about them could end up in a
// public log. Paths the topology references must stay inside its repository and must not go
// through a symlink, unless the person running rc-policy allows it (docs/decisions/0050).
import { lstatSync, realpathSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';

export interface AccessOptions {
  /** Read files outside the topology's repository (`--allow-outside-repo`). */
  readonly allowOutsideRepo?: boolean;
  /** Read files through symlinks (`--follow-symlinks`); their targets must still be inside unless allowOutsideRepo. */
  readonly followSymlinks?: boolean;
}

export interface FileAccess {
  /** The repository: the nearest folder at or above the topology's holding `.git`, else the topology's folder. */
  readonly root: string;
  /** Why `absolute` may not be read (one line, for cert/unreadable or an error), or undefined when it may. */
  refusal(absolute: string): Promise<string | undefined>;
  /** The same, synchronously: certificate files are read synchronously at scale (ADR 0062). */
  refusalSync(absolute: string): string | undefined;
  /** Whether the final component may be a symlink (open with O_NOFOLLOW otherwise). */
  readonly followSymlinks: boolean;
}

/** The repository a topology lives in: its git work tree, or its own folder when not in git. */
export function repositoryRoot(topologyDir: string): Promise<string> {
  // One walk per folder and process: check, its pack, its waivers and the sources all ask.
  let root = roots.get(topologyDir);
  if (!root) roots.set(topologyDir, (root = findRoot(topologyDir)));
  return root;
}

const roots = new Map<string, Promise<string>>();

async function findRoot(topologyDir: string): Promise<string> {
  for (let dir = topologyDir; ; ) {
    if (await exists(path.join(dir, '.git'))) return dir; // a folder, or a file in worktrees and submodules
    const parent = path.dirname(dir);
    if (parent === dir) return topologyDir;
    dir = parent;
  }
}

const exists = (p: string): Promise<boolean> => lstat(p).then(
  () => true,
  () => false,
);

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
};

/** The access policy for the files one topology references. `show` turns a path into its display form. */
export async function fileAccess(topologyDir: string, o: AccessOptions = {}, show: (p: string) => string = (p) => p): Promise<FileAccess> {
  const root = await repositoryRoot(topologyDir);
  const allowOutside = o.allowOutsideRepo ?? false;
  const follow = o.followSymlinks ?? false;
  let realRoot: string | undefined;
  // lstat results of folders, shared by every file in them (10,000 brokers, a handful of folders).
  const links = new Map<string, boolean>();
  const isLink = (p: string): boolean => {
    let r = links.get(p);
    if (r === undefined) {
      try {
        r = lstatSync(p).isSymbolicLink();
      } catch {
        r = false; // missing: the read reports it
      }
      links.set(p, r);
    }
    return r;
  };

  const refusalSync = (absolute: string): string | undefined => {
    const within = inside(root, absolute);
    if (!within && !allowOutside) {
      return `refused: outside the repository (${show(root)}); run with --allow-outside-repo to read it`;
    }
    if (follow) {
      if (allowOutside) return undefined;
      let real: string;
      try {
        real = realpathSync(absolute);
      } catch {
        return undefined; // missing or a dangling link: the read reports it
      }
      if (realRoot === undefined) {
        try {
          realRoot = realpathSync(root);
        } catch {
          realRoot = root;
        }
      }
      if (!inside(realRoot, real)) return 'refused: a symlink leads outside the repository; run with --allow-outside-repo to read it';
      return undefined;
    }
    // No symlinks below the repository root (outside it, when allowed: not the file itself).
    const parts = within ? path.relative(root, absolute).split(path.sep) : [path.basename(absolute)];
    let current = within ? root : path.dirname(absolute);
    for (const part of parts) {
      current = path.join(current, part);
      if (isLink(current)) return `refused: ${show(current)} is a symlink; run with --follow-symlinks to read it`;
    }
    return undefined;
  };
  const refusal = async (absolute: string): Promise<string | undefined> => refusalSync(absolute);
  return { root, refusal, refusalSync, followSymlinks: follow };
}

/** No restriction: for files the person running rc-policy named themselves. */
export const UNRESTRICTED: FileAccess = {
  root: path.parse(process.cwd()).root,
  refusal: async () => undefined,
  refusalSync: () => undefined,
  followSymlinks: true,
};
